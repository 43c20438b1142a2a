/**
 * QEMU's educational PCI device, `edu` (hw/misc/edu.c, docs/specs/edu.rst),
 * as a {@link PciDeviceModel}.
 *
 * PCI: 1234:11e8, revision 0x10, class word 0x00ff (QEMU sets `class_id =
 * PCI_CLASS_OTHERS`, 0xff, as the 16-bit class/subclass word: base class
 * 0x00, subclass 0xff; lspci's "Unclassified device [00ff]"), INTA, an
 * MSI capability with one vector (64-bit), BAR0 = 1 MiB of 32-bit
 * non-prefetchable memory.
 *
 * MMIO (BAR0), little-endian:
 * | off  | access | register |
 * |------|--------|----------|
 * | 0x00 | RO     | identification 0x010000ed (major 1, minor 0) |
 * | 0x04 | RW     | liveness: reads back the complement of what was written |
 * | 0x08 | RW     | factorial: write n, read n! mod 2^32 once status bit 0x01 clears |
 * | 0x20 | RW     | status: 0x01 computing (RO), 0x80 raise IRQ 0x01 when the factorial is done |
 * | 0x24 | RO     | interrupt status |
 * | 0x60 | WO     | interrupt raise: ORed into the interrupt status |
 * | 0x64 | WO     | interrupt acknowledge: cleared from the interrupt status |
 * | 0x80 | RW     | DMA source address (64-bit) |
 * | 0x88 | RW     | DMA destination address (64-bit) |
 * | 0x90 | RW     | DMA transfer count (64-bit) |
 * | 0x98 | RW     | DMA command: 0x01 start, 0x02 direction (0 RAM→edu, 1 edu→RAM), 0x04 raise IRQ 0x100 when done |
 *
 * Access rules (QEMU's `MemoryRegionOps`): the region only accepts aligned
 * 4- and 8-byte accesses (anything else reads 0 and drops the write, as
 * QEMU's memory core does for an access outside `.valid`); below 0x80 only
 * 4-byte accesses reach the registers (an 8-byte read there gives all
 * ones); every offset not listed reads all ones and ignores writes;
 * 4-byte accesses to a DMA register use its low half (a write clears the
 * high half; 0x84, 0x8c, … are unlisted). DMA registers ignore writes while a
 * transfer runs; a command write without bit 0x01 is ignored.
 *
 * The 4 KiB DMA buffer lives at device address 0x40000 in the DMA
 * registers' view; it is not visible through BAR0 (QEMU does not map it).
 * DMA addresses are masked with `dma_mask` (28 bits by default).
 *
 * Timing: a transfer completes at QEMU's `qemu_clock_get_ms() + 100`, i.e.
 * at the next whole millisecond boundary plus 100 ms of virtual time. The
 * factorial, computed by a thread in QEMU, completes {@link EDU_FACT_NS}
 * after the write (a virtual duration chosen here).
 */
import type { DeviceTimer, PciDeviceContext, PciDeviceModel } from './device-model.js';

/** QEMU's `PCI_VENDOR_ID_QEMU`. */
export const EDU_VENDOR_ID = 0x1234;
export const EDU_DEVICE_ID = 0x11e8;
export const EDU_REVISION = 0x10;
export const EDU_BAR0_SIZE = 0x10_0000;

export const EDU_REG_ID = 0x00;
export const EDU_REG_LIVENESS = 0x04;
export const EDU_REG_FACT = 0x08;
export const EDU_REG_STATUS = 0x20;
export const EDU_REG_IRQ_STATUS = 0x24;
export const EDU_REG_IRQ_RAISE = 0x60;
export const EDU_REG_IRQ_ACK = 0x64;
export const EDU_REG_DMA_SRC = 0x80;
export const EDU_REG_DMA_DST = 0x88;
export const EDU_REG_DMA_CNT = 0x90;
export const EDU_REG_DMA_CMD = 0x98;
/** Bytes of BAR0 the model writes itself: the register file (DMA command, the last register, ends at 0xa0). */
const EDU_REG_BYTES = 0x100;

/** Identification register: 0xRRrr00ed, version 1.0. */
export const EDU_ID = 0x010000ed;
export const EDU_STATUS_COMPUTING = 0x01;
export const EDU_STATUS_IRQFACT = 0x80;
export const EDU_FACT_IRQ = 0x0000_0001;
export const EDU_DMA_IRQ = 0x0000_0100;
export const EDU_DMA_RUN = 0x1;
export const EDU_DMA_DIR_TO_RAM = 0x2;
export const EDU_DMA_IRQ_ON_DONE = 0x4;
/** Device address of the DMA buffer. */
export const EDU_DMA_START = 0x40000;
export const EDU_DMA_SIZE = 4096;
/** Default `dma_mask` property: 28 bits. */
export const EDU_DMA_MASK_DEFAULT = (1n << 28n) - 1n;
/** Virtual time the factorial takes (QEMU computes it on a thread; 10 µs chosen here). */
export const EDU_FACT_NS = 10_000;
/** DMA delay: 100 ms of virtual time (at millisecond granularity). */
export const EDU_DMA_DELAY_MS = 100;

const U64 = (1n << 64n) - 1n;
const ONES64 = U64;

export interface EduOptions {
  /** QEMU's `-device edu,dma_mask=…`. */
  readonly dmaMask?: bigint;
  /** Factorial compute time in ns (default {@link EDU_FACT_NS}). */
  readonly factorialNs?: number;
}

/** `n! mod 2^32`, as QEMU's u32 loop computes it (n ≥ 34 gives 0: 34! has 32 factors of two). */
export function eduFactorial(n: number): number {
  let ret = 1;
  for (let v = Math.min(n >>> 0, 34); v > 0; v--) ret = Math.imul(ret, v) >>> 0;
  return n >>> 0 >= 34 ? 0 : ret;
}

export class EduDevice implements PciDeviceModel {
  readonly name = 'edu';
  readonly vendor = EDU_VENDOR_ID;
  readonly device = EDU_DEVICE_ID;
  readonly revision = EDU_REVISION;
  // 24-bit class code: class_id (0x00ff) << 8 | prog-if 0.
  readonly classCode = 0x00ff00;
  // Undecoded offsets read all ones (edu_mmio_read starts from ~0); the
  // register file is the first 256 bytes (the last register, DMA command, ends at 0xa0).
  readonly bars = [{ kind: 'mem32', size: EDU_BAR0_SIZE, fill: 0xff, registerBytes: EDU_REG_BYTES }] as const;
  readonly interruptPin = 1;
  readonly msiVectors = 1;
  /** Byte/word reads (invalid) and 8-byte reads (64-bit DMA registers) need the model. */
  readonly readHookSizes = [1, 2, 8] as const;

  // Device state (EduState).
  addr4 = 0;
  fact = 0;
  status = 0;
  irqStatus = 0;
  dmaSrc = 0n;
  dmaDst = 0n;
  dmaCnt = 0n;
  dmaCmd = 0n;
  /** The device's 4 KiB DMA buffer. */
  readonly dmaBuf = new Uint8Array(EDU_DMA_SIZE);
  dmaMask: bigint;
  readonly factorialNs: number;

  private ctx: PciDeviceContext | null = null;
  private regs: DataView | null = null;
  private factTimer: DeviceTimer | null = null;
  private dmaTimer: DeviceTimer | null = null;

  constructor(opts: EduOptions = {}) {
    this.dmaMask = opts.dmaMask ?? EDU_DMA_MASK_DEFAULT;
    this.factorialNs = opts.factorialNs ?? EDU_FACT_NS;
  }

  attach(ctx: PciDeviceContext): void {
    this.ctx = ctx;
    this.regs = new DataView(ctx.bar(0));
    this.factTimer = ctx.timer('fact', () => this.factDone());
    this.dmaTimer = ctx.timer('dma', () => this.dmaDone());
  }

  reset(): void {
    this.addr4 = 0;
    this.fact = 0;
    this.status = 0;
    this.irqStatus = 0;
    this.dmaSrc = this.dmaDst = this.dmaCnt = this.dmaCmd = 0n;
    this.dmaBuf.fill(0);
    this.factTimer?.del();
    this.dmaTimer?.del();
    // All ones outside the registers (only what was written is rewritten), then the registers.
    this.ctx?.restoreBar(0);
    this.sync();
  }

  detach(): void {
    this.factTimer?.del();
    this.dmaTimer?.del();
  }

  /** Rewrites the register file the driver reads (every listed register). */
  private sync(): void {
    const r = this.regs;
    if (r === null) return;
    r.setUint32(EDU_REG_ID, EDU_ID, true);
    r.setUint32(EDU_REG_LIVENESS, this.addr4, true);
    r.setUint32(EDU_REG_FACT, this.fact, true);
    r.setUint32(EDU_REG_STATUS, this.status, true);
    r.setUint32(EDU_REG_IRQ_STATUS, this.irqStatus, true);
    r.setUint32(EDU_REG_DMA_SRC, Number(this.dmaSrc & 0xffff_ffffn), true);
    r.setUint32(EDU_REG_DMA_DST, Number(this.dmaDst & 0xffff_ffffn), true);
    r.setUint32(EDU_REG_DMA_CNT, Number(this.dmaCnt & 0xffff_ffffn), true);
    r.setUint32(EDU_REG_DMA_CMD, Number(this.dmaCmd & 0xffff_ffffn), true);
  }

  onMmioRead(_bar: number, off: number, size: number): number | bigint {
    if (size < 4 || size > 8 || off % size !== 0) return size === 8 ? 0n : 0; // outside .valid
    if (size === 4) return this.regs?.getUint32(off, true) ?? 0xffff_ffff;
    if (off < 0x80) return ONES64;
    switch (off) {
      case EDU_REG_DMA_SRC:
        return this.dmaSrc;
      case EDU_REG_DMA_DST:
        return this.dmaDst;
      case EDU_REG_DMA_CNT:
        return this.dmaCnt;
      case EDU_REG_DMA_CMD:
        return this.dmaCmd;
      default:
        return ONES64;
    }
  }

  onMmioWrite(_bar: number, off: number, size: number, value: number | bigint): void {
    // Undo the raw store; sync() below rewrites what the registers read back.
    if (this.regs) new Uint8Array(this.regs.buffer, off, size).fill(0xff);
    try {
      this.write(off, size, BigInt.asUintN(64, BigInt(value)));
    } finally {
      this.sync();
    }
  }

  private write(off: number, size: number, val: bigint): void {
    if ((size !== 4 && size !== 8) || off % size !== 0) return; // outside .valid: dropped
    if (off < 0x80 && size !== 4) return;
    const v32 = Number(val & 0xffff_ffffn);
    switch (off) {
      case EDU_REG_LIVENESS:
        this.addr4 = ~v32 >>> 0;
        break;
      case EDU_REG_FACT:
        if (this.status & EDU_STATUS_COMPUTING) break;
        this.fact = v32;
        this.status = (this.status | EDU_STATUS_COMPUTING) >>> 0;
        this.factTimer?.modIn(this.factorialNs);
        break;
      case EDU_REG_STATUS:
        if (v32 & EDU_STATUS_IRQFACT) this.status = (this.status | EDU_STATUS_IRQFACT) >>> 0;
        else this.status = (this.status & ~EDU_STATUS_IRQFACT) >>> 0;
        break;
      case EDU_REG_IRQ_RAISE:
        this.raiseIrq(v32);
        break;
      case EDU_REG_IRQ_ACK:
        this.lowerIrq(v32);
        break;
      case EDU_REG_DMA_SRC:
        if (!this.dmaRunning) this.dmaSrc = val;
        break;
      case EDU_REG_DMA_DST:
        if (!this.dmaRunning) this.dmaDst = val;
        break;
      case EDU_REG_DMA_CNT:
        if (!this.dmaRunning) this.dmaCnt = val;
        break;
      case EDU_REG_DMA_CMD:
        if (!(val & BigInt(EDU_DMA_RUN)) || this.dmaRunning) break;
        this.dmaCmd = val;
        this.armDma();
        break;
    }
  }

  private get dmaRunning(): boolean {
    return (this.dmaCmd & BigInt(EDU_DMA_RUN)) !== 0n;
  }

  /** `timer_mod(&dma_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + 100)` on a millisecond timer. */
  private armDma(): void {
    const k = this.ctx?.kernel;
    if (!k || !this.dmaTimer) return;
    const due = (Math.floor(k.now / 1e6) + EDU_DMA_DELAY_MS) * 1e6;
    this.dmaTimer.modIn(due - k.now);
  }

  /** `edu_raise_irq()`. */
  private raiseIrq(val: number): void {
    this.irqStatus = (this.irqStatus | val) >>> 0;
    if (this.irqStatus === 0 || !this.ctx) return;
    if (this.ctx.msiEnabled()) this.ctx.msiNotify(0);
    else this.ctx.setIntx(true);
  }

  /** `edu_lower_irq()`. */
  private lowerIrq(val: number): void {
    this.irqStatus = (this.irqStatus & ~val) >>> 0;
    if (this.irqStatus === 0 && this.ctx && !this.ctx.msiEnabled()) this.ctx.setIntx(false);
  }

  /** The factorial thread finishing. */
  private factDone(): void {
    this.fact = eduFactorial(this.fact);
    this.status = (this.status & ~EDU_STATUS_COMPUTING) >>> 0;
    this.sync();
    if (this.status & EDU_STATUS_IRQFACT) this.raiseIrq(EDU_FACT_IRQ);
    this.sync();
  }

  /** `edu_check_range()`: true when the transfer lies inside the buffer (with no u64 overflow). */
  private checkRange(start: bigint, size: bigint): boolean {
    const end = (start + size) & U64;
    const dmaStart = BigInt(EDU_DMA_START);
    const dmaEnd = dmaStart + BigInt(EDU_DMA_SIZE);
    if (end >= start && start >= dmaStart && end <= dmaEnd) return true;
    this.ctx?.guestError(
      `EDU: DMA range 0x${hex16(start)}-0x${hex16((end - 1n) & U64)} out of bounds (0x${hex16(dmaStart)}-0x${hex16(dmaEnd - 1n)})!`,
    );
    return false;
  }

  /** `edu_clamp_addr()`. */
  private clamp(addr: bigint): number {
    const res = addr & this.dmaMask;
    if (res !== addr) this.ctx?.guestError(`EDU: clamping DMA 0x${hex16(addr)} to 0x${hex16(res)}!`);
    return Number(res);
  }

  /** `edu_dma_timer()`. */
  private dmaDone(): void {
    const ctx = this.ctx;
    if (!ctx || !this.dmaRunning) return;
    const cnt = this.dmaCnt;
    if ((this.dmaCmd & BigInt(EDU_DMA_DIR_TO_RAM)) === 0n) {
      if (this.checkRange(this.dmaDst, cnt)) {
        const at = Number(this.dmaDst) - EDU_DMA_START;
        ctx.dmaRead(this.clamp(this.dmaSrc), this.dmaBuf.subarray(at, at + Number(cnt)));
      }
    } else if (this.checkRange(this.dmaSrc, cnt)) {
      const at = Number(this.dmaSrc) - EDU_DMA_START;
      ctx.dmaWrite(this.clamp(this.dmaDst), this.dmaBuf.subarray(at, at + Number(cnt)));
    }
    this.dmaCmd &= ~BigInt(EDU_DMA_RUN);
    this.sync();
    if (this.dmaCmd & BigInt(EDU_DMA_IRQ_ON_DONE)) this.raiseIrq(EDU_DMA_IRQ);
    this.sync();
  }
}

function hex16(v: bigint): string {
  return v.toString(16).padStart(16, '0');
}
