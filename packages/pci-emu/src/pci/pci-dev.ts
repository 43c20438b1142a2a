/**
 * `struct pci_dev`: a device on the emulated PCI bus, with its config space,
 * BAR resources, enable count, interrupt state, and the device model behind
 * it. Extends the core {@link Device}, so binding, devres and the lifecycle
 * contract are the core's.
 */
import { type BusType, checkKernel, Device, type Kernel, type KernelMemory, timerEntry } from '@quiesce/core-devres';
import { systemRam } from '../dma/system-ram.js';
import type { IrqDesc } from '../irq/irq-desc.js';
import { irqTable } from '../irq/irq-desc.js';
import type { IoMem } from '../mmio/io-mem.js';
import type { DeviceTimer, PciDeviceContext, PciDeviceModel } from '../model/device-model.js';
import type { ConfigSpace } from './config-space.js';
import { PCI_COMMAND_INTX_DISABLE, PCI_COMMAND_MASTER, PCI_STATUS, PCI_STATUS_INTERRUPT } from './constants.js';

/** A BAR as the kernel sees it (`pdev->resource[bar]`). */
export interface PciResource {
  /** Bus address; 0 for an unused BAR. */
  readonly start: number;
  /** Length in bytes; 0 for an unused BAR. */
  readonly len: number;
  readonly flags: 'mem' | 'io' | null;
  /**
   * The BAR's memory (owned by the device model); null for an unused BAR.
   * Reading it counts the whole BAR as written (the bus cannot see what is
   * done with the raw buffer), so a recycled BAR is then refilled whole.
   */
  readonly buffer: ArrayBuffer | null;
  /** The BAR's memory and its record of written bytes; null for an unused BAR. */
  readonly memory: KernelMemory | null;
  /** Name of the region holder (`request_mem_region`), or null. */
  owner: string | null;
}

/**
 * A BAR slot of a device: an implemented BAR's memory comes from the
 * kernel's recycled pool (core's kernelMemory); an unused slot has none.
 * One class for both, so the MMIO write path's `resources[bar].memory`
 * load sees one object shape.
 */
export class BarResource implements PciResource {
  owner: string | null = null;

  constructor(
    readonly start: number,
    readonly len: number,
    readonly flags: 'mem' | 'io' | null,
    readonly memory: KernelMemory | null,
    /** Bytes at the start the model writes on its own (`PciBarSpec.registerBytes`; all of the BAR by default). */
    private readonly modelBytes = len,
  ) {
    this.memory?.written(0, modelBytes);
  }

  /**
   * Every byte back to the BAR's fill (only the written ones are
   * rewritten), then the model's register window counted as written again,
   * as the model rewrites it next.
   */
  restore(): void {
    this.memory?.reset();
    this.memory?.written(0, this.modelBytes);
  }

  get buffer(): ArrayBuffer | null {
    const m = this.memory;
    if (m === null) return null;
    m.written(0, this.len);
    return m.buffer;
  }
}

const ONES64 = 0xffff_ffff_ffff_ffffn;

export class PciDev extends Device {
  /** `enable_cnt`. */
  enableCnt = 0;
  /** Enabled with `pcim_enable_device`. */
  isManaged = false;
  /** A `pcim_release` devres entry exists. */
  hasPcimRelease = false;
  /** `pcim_pin_device`. */
  pinned = false;
  /** `is_busmaster`. */
  isBusmaster = false;
  /** False after surprise removal (`pci_dev_is_disconnected`). */
  present = true;
  /** `dev->irq`: the INTx IRQ, or the first MSI vector while MSI is on. */
  irq: number;
  /** The legacy IRQ number routed to INTA (0 when the device has no pin). */
  readonly intxIrq: number;
  /** MSI state: vectors allocated and their first IRQ, 0 when off. */
  msiIrqBase = 0;
  msiNvec = 0;
  /** `INTx` enabled through `pci_alloc_irq_vectors(PCI_IRQ_INTX)`. */
  intxVectors = false;
  /** DMA mask (`dma_set_mask`); the kernel's default is 32 bits. */
  dmaMask = 0xffff_ffff;
  /** Whole-BAR `pcim_iomap` mappings (the legacy table that warns on a second map). */
  readonly pcimTable: (IoMem | null)[] = [null, null, null, null, null, null];
  /** Guest errors the model logged (QEMU `LOG_GUEST_ERROR`). */
  readonly guestErrors: string[] = [];
  private intxLevel = false;
  private readonly timers: { entry: ReturnType<typeof timerEntry> }[] = [];

  constructor(
    kernel: Kernel,
    name: string,
    bus: BusType,
    /** The device model behind the BARs. */
    readonly model: PciDeviceModel,
    readonly config: ConfigSpace,
    readonly resources: BarResource[],
    intxIrq: number,
    /** Devfn-style slot, for names. */
    readonly slot: number,
  ) {
    checkKernel('PciDev.new', kernel, 'kernel');
    super(kernel, name, bus);
    this.intxIrq = intxIrq;
    this.irq = intxIrq;
  }

  get vendor(): number {
    return this.config.read(0, 2);
  }

  get deviceId(): number {
    return this.config.read(2, 2);
  }

  /** `pci_is_enabled()`. */
  get isEnabled(): boolean {
    return this.enableCnt > 0;
  }

  // ------------------------------------------------------------ MMIO routing

  /** @internal An IoMem write landed in the buffer: the model reacts (or, once removed, the write is undone). */
  mmioWrite(bar: number, off: number, size: number, value: number | bigint): void {
    const mem = this.resources[bar]?.memory;
    // The store is in the buffer already: the bytes the next kernel must not see.
    mem?.written(off, off + size);
    if (!this.present) {
      if (mem) new Uint8Array(mem.buffer, off, size).fill(0xff);
      return;
    }
    this.model.onMmioWrite(bar, off, size, value);
  }

  /** @internal A read routed to the model; all ones once removed. */
  mmioRead(bar: number, off: number, size: number): number | bigint {
    if (!this.present || !this.model.onMmioRead) return size === 8 ? ONES64 : 2 ** (8 * size) - 1;
    return this.model.onMmioRead(bar, off, size);
  }

  // --------------------------------------------------------------- interrupts

  /** @internal The device drives its INTx pin. */
  setIntx(level: boolean): void {
    this.intxLevel = level;
    const st = this.config.read(PCI_STATUS, 2);
    this.config.set(PCI_STATUS, 2, level ? st | PCI_STATUS_INTERRUPT : st & ~PCI_STATUS_INTERRUPT);
    this.updateIntx();
  }

  /** @internal Re-evaluates the line after the level or the INTx-disable bit changed. */
  updateIntx(): void {
    if (this.intxIrq === 0) return;
    const desc = irqTable(this.kernel).descs.get(this.intxIrq);
    if (!desc) return;
    const on = this.present && this.intxLevel && (this.config.command & PCI_COMMAND_INTX_DISABLE) === 0;
    irqTable(this.kernel).setLevel(desc, this, on);
  }

  /** @internal The device sends MSI `vector` (a DMA write: needs bus mastering and MSI enabled). */
  msiNotify(vector: number): void {
    if (!this.present || !this.config.msiEnabled || (this.config.command & PCI_COMMAND_MASTER) === 0) return;
    if (this.msiNvec === 0 || vector >= this.msiNvec) return;
    const t = irqTable(this.kernel);
    const desc: IrqDesc | undefined = t.descs.get(this.msiIrqBase + vector);
    if (desc) t.kick(desc);
  }

  // ---------------------------------------------------------------- the model

  /** @internal The context handed to the model at attach. */
  makeContext(): PciDeviceContext {
    const k = this.kernel;
    const self = this;
    const busMaster = (): boolean => self.present && (self.config.command & PCI_COMMAND_MASTER) !== 0;
    return {
      kernel: k,
      bar(i) {
        // The model's own writes are its register file (PciBarSpec.registerBytes, counted at creation).
        const m = self.resources[i]?.memory;
        if (!m) throw new RangeError(`${self.name}: BAR ${i} is not implemented`);
        return m.buffer;
      },
      restoreBar(i) {
        const r = self.resources[i];
        if (!r?.memory) throw new RangeError(`${self.name}: BAR ${i} is not implemented`);
        r.restore();
      },
      setIntx: (level) => self.setIntx(level),
      msiEnabled: () => self.config.msiEnabled,
      msiNotify: (v) => self.msiNotify(v),
      dmaRead(addr, dest) {
        if (!busMaster()) return false;
        const ram = systemRam(k);
        if (!ram.checkDeviceAccess(addr, dest.length, `${self.model.name} ${self.name}`, false)) return false;
        dest.set(ram.view(addr, dest.length));
        return true;
      },
      dmaWrite(addr, src) {
        if (!busMaster()) return false;
        const ram = systemRam(k);
        if (!ram.checkDeviceAccess(addr, src.length, `${self.model.name} ${self.name}`, true)) return false;
        ram.view(addr, src.length).set(src);
        return true;
      },
      timer(label, fire): DeviceTimer {
        const entry = timerEntry(`${self.model.name} ${label}`, 0, () =>
          k.runAtomic('hardirq', 0, `${self.model.name} ${label}`, () => {
            if (self.present) fire();
          }),
        );
        self.timers.push({ entry });
        return new ModelTimer(self, entry);
      },
      guestError(msg) {
        self.guestErrors.push(msg);
        k.trace('guest_error', `${self.name}: ${msg}`);
      },
    };
  }

  /** @internal The hardware is gone: BARs read all ones, the model stops, the line drops. */
  disconnect(): void {
    if (!this.present) return;
    this.present = false;
    // All ones: only the written bytes when all ones is the BAR's fill (edu's).
    for (const r of this.resources) r.memory?.reset(0xff);
    for (const t of this.timers) this.kernel.cancelTimer(t.entry);
    this.model.detach?.();
    this.updateIntx();
  }
}

/**
 * A model's timer handle (QEMU's `QEMUTimer`). A class, not an object
 * literal with a `pending` getter: V8 keeps a literal's getter in a map of
 * its own (maps live in the old generation), so every device's getter
 * closure, and through it the whole kernel it belongs to, survived every
 * young-generation GC until a full one. For the explorer, which builds a
 * world per schedule, that was most of its GC work (docs/explorer.md,
 * "Scaling").
 */
class ModelTimer implements DeviceTimer {
  constructor(
    private readonly dev: PciDev,
    private readonly entry: ReturnType<typeof timerEntry>,
  ) {}

  modIn(ns: number): void {
    const k = this.dev.kernel;
    if (this.dev.present) k.armTimer(this.entry, k.now + ns);
  }

  del(): void {
    this.dev.kernel.cancelTimer(this.entry);
  }

  get pending(): boolean {
    return this.entry.heapIndex >= 0;
  }
}
