/**
 * A device's configuration space: the bytes, plus QEMU-style write masks
 * (`wmask`: bits software may change, `w1cmask`: write-1-to-clear bits). The
 * type-0 header is laid out by {@link buildConfigSpace}.
 *
 * Conventional PCI: 256 bytes. Offsets 256..4095 read as all ones and ignore
 * writes (as QEMU's host bridge answers for a conventional device).
 */
import type { PciDeviceModel } from '../model/device-model.js';
import {
  PCI_BASE_ADDRESS_0,
  PCI_BASE_ADDRESS_MEM_PREFETCH,
  PCI_BASE_ADDRESS_MEM_TYPE_64,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_CACHE_LINE_SIZE,
  PCI_CAP_ID_MSI,
  PCI_CAPABILITY_LIST,
  PCI_CLASS_PROG,
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_COMMAND_PARITY,
  PCI_COMMAND_SERR,
  PCI_DEVICE_ID,
  PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN,
  PCI_LATENCY_TIMER,
  PCI_MSI_ADDRESS_HI,
  PCI_MSI_ADDRESS_LO,
  PCI_MSI_DATA_64,
  PCI_MSI_FLAGS,
  PCI_MSI_FLAGS_64BIT,
  PCI_MSI_FLAGS_ENABLE,
  PCI_MSI_FLAGS_QSIZE,
  PCI_REVISION_ID,
  PCI_STATUS,
  PCI_STATUS_CAP_LIST,
  PCI_STATUS_W1C,
  PCI_SUBSYSTEM_ID,
  PCI_SUBSYSTEM_VENDOR_ID,
  PCI_VENDOR_ID,
} from './constants.js';

/** Size of a conventional config space. */
export const PCI_CFG_SPACE_SIZE = 256;
/** Size of an extended (PCIe) config space: the addressable limit. */
export const PCI_CFG_SPACE_EXP_SIZE = 4096;
/** Where the MSI capability sits when the model has one (QEMU puts the first capability at 0x40). */
export const MSI_CAP_OFFSET = 0x40;

export class ConfigSpace {
  readonly bytes = new Uint8Array(PCI_CFG_SPACE_SIZE);
  readonly wmask = new Uint8Array(PCI_CFG_SPACE_SIZE);
  readonly w1cmask = new Uint8Array(PCI_CFG_SPACE_SIZE);
  /** Offset of the MSI capability, 0 when absent. */
  msiCap = 0;

  /** Reads `size` (1, 2, 4) bytes little-endian at `where`; all ones beyond 256. */
  read(where: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) {
      const b = where + i < PCI_CFG_SPACE_SIZE ? (this.bytes[where + i] as number) : 0xff;
      v = v * 256 + b;
    }
    return v;
  }

  /** Writes through the masks; bytes beyond 256 are ignored. */
  write(where: number, size: number, val: number): void {
    for (let i = 0; i < size; i++) {
      const at = where + i;
      if (at >= PCI_CFG_SPACE_SIZE) break;
      const b = Math.floor(val / 2 ** (8 * i)) & 0xff;
      const wm = this.wmask[at] as number;
      const w1c = this.w1cmask[at] as number;
      let n = ((this.bytes[at] as number) & ~wm) | (b & wm);
      n &= ~(b & w1c);
      this.bytes[at] = n & 0xff;
    }
  }

  /** Device-side store that ignores the masks (for read-only fields the device owns). */
  set(where: number, size: number, val: number): void {
    for (let i = 0; i < size; i++) this.bytes[where + i] = Math.floor(val / 2 ** (8 * i)) & 0xff;
  }

  /** Sets write-mask bytes for a field. */
  setWmask(where: number, size: number, mask: number): void {
    for (let i = 0; i < size; i++) this.wmask[where + i] = Math.floor(mask / 2 ** (8 * i)) & 0xff;
  }

  get command(): number {
    return this.read(PCI_COMMAND, 2);
  }

  /** True when the MSI capability exists and its enable bit is set. */
  get msiEnabled(): boolean {
    return this.msiCap !== 0 && (this.read(this.msiCap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE) !== 0;
  }
}

/** Lays out the type-0 header of `model`, with `barAddrs[i]` the address firmware assigned to BAR i. */
export function buildConfigSpace(model: PciDeviceModel, barAddrs: readonly number[], irqLine: number): ConfigSpace {
  const c = new ConfigSpace();
  c.set(PCI_VENDOR_ID, 2, model.vendor);
  c.set(PCI_DEVICE_ID, 2, model.device);
  c.set(PCI_REVISION_ID, 1, model.revision);
  c.set(PCI_CLASS_PROG, 3, model.classCode);
  c.set(PCI_SUBSYSTEM_VENDOR_ID, 2, model.subsystemVendor ?? 0x1af4);
  c.set(PCI_SUBSYSTEM_ID, 2, model.subsystemDevice ?? 0x1100);
  c.setWmask(
    PCI_COMMAND,
    2,
    PCI_COMMAND_IO |
      PCI_COMMAND_MEMORY |
      PCI_COMMAND_MASTER |
      PCI_COMMAND_PARITY |
      PCI_COMMAND_SERR |
      PCI_COMMAND_INTX_DISABLE,
  );
  c.w1cmask[PCI_STATUS] = PCI_STATUS_W1C & 0xff;
  c.w1cmask[PCI_STATUS + 1] = PCI_STATUS_W1C >> 8;
  c.setWmask(PCI_CACHE_LINE_SIZE, 1, 0xff);
  c.setWmask(PCI_LATENCY_TIMER, 1, 0xff);
  for (let i = 0; i < 6; i++) {
    const spec = model.bars[i];
    if (!spec) continue;
    const at = PCI_BASE_ADDRESS_0 + 4 * i;
    const io = spec.kind === 'io';
    const type = io
      ? PCI_BASE_ADDRESS_SPACE_IO
      : (spec.kind === 'mem64' ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) |
        (spec.prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
    const low = io ? 0x3 : 0xf;
    // Sizing: only address bits at or above the size are writable; the type bits are read-only.
    const mask = (~(spec.size - 1) >>> 0) & ~low;
    c.setWmask(at, 4, mask >>> 0);
    c.set(at, 4, ((barAddrs[i] ?? 0) & mask) | type);
    if (spec.kind === 'mem64') {
      c.setWmask(at + 4, 4, 0xffff_ffff);
      i++; // the next slot is the upper half
    }
  }
  c.setWmask(PCI_INTERRUPT_LINE, 1, 0xff);
  c.set(PCI_INTERRUPT_LINE, 1, model.interruptPin !== 0 ? irqLine : 0);
  c.set(PCI_INTERRUPT_PIN, 1, model.interruptPin);
  if (model.msiVectors > 0) {
    const cap = MSI_CAP_OFFSET;
    c.msiCap = cap;
    c.set(PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
    c.set(PCI_CAPABILITY_LIST, 1, cap);
    c.set(cap, 1, PCI_CAP_ID_MSI);
    c.set(cap + 1, 1, 0); // end of list
    const mmc = Math.ceil(Math.log2(model.msiVectors)); // log2 of the vectors the device can request
    c.set(cap + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_64BIT | (mmc << 1));
    c.setWmask(cap + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
    c.setWmask(cap + PCI_MSI_ADDRESS_LO, 4, 0xffff_fffc);
    c.setWmask(cap + PCI_MSI_ADDRESS_HI, 4, 0xffff_ffff);
    c.setWmask(cap + PCI_MSI_DATA_64, 2, 0xffff);
  }
  return c;
}
