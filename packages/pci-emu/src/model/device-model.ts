/**
 * The device-model interface: what a user implements to put a new device on
 * the emulated PCI bus (QEMU's `PCIDeviceClass` + `MemoryRegionOps`, reduced).
 *
 * Contract:
 * - BAR memory is an `ArrayBuffer` the bus allocates per BAR and hands to
 *   {@link PciDeviceModel.attach}. The model keeps its register file current
 *   in it, so a driver's `readl` is a plain `DataView` read.
 * - A driver's MMIO write is stored into the buffer first, then
 *   {@link PciDeviceModel.onMmioWrite} runs; the model reacts and rewrites
 *   whatever the buffer must read back (read-only fields, write-only
 *   registers, computed values).
 * - Reads of the sizes listed in {@link PciDeviceModel.readHookSizes} go to
 *   {@link PciDeviceModel.onMmioRead} instead of the buffer (for access-size
 *   rules a flat buffer cannot express). Leave 4 out of it to keep `readl`
 *   a pure `DataView` read.
 * - Device-side delays use {@link PciDeviceContext.timer}: the kernel's
 *   timer queue in virtual time.
 */
import type { Kernel } from '@quiesce/core-devres';

/** One BAR as the device decodes it. `size` is a power of two. */
export interface PciBarSpec {
  readonly kind: 'mem32' | 'mem64' | 'io';
  readonly size: number;
  readonly prefetchable?: boolean;
  /**
   * The byte the BAR's memory holds where the model keeps no register, at
   * power-on and after {@link PciDeviceContext.restoreBar} (default 0). A
   * device that reads all ones at undecoded offsets, as edu, says 0xff.
   */
  readonly fill?: number;
  /**
   * The model writes this BAR's memory itself only in `[0, registerBytes)`
   * (its register file) and in the bytes of a store it is told of by
   * {@link PciDeviceModel.onMmioWrite}. The bus then restores and recycles
   * only what was written, not the whole BAR (docs/explorer.md, "Speed").
   * Default: the model may write anywhere in it.
   */
  readonly registerBytes?: number;
}

/** A device-side timer on the kernel clock (QEMU's `QEMUTimer`). */
export interface DeviceTimer {
  /** Arms (or re-arms) the timer `ns` from now (`timer_mod`). */
  modIn(ns: number): void;
  /** Disarms (`timer_del`). */
  del(): void;
  readonly pending: boolean;
}

/** What the bus gives a model: its BAR memory, its interrupt pins, DMA, timers. */
export interface PciDeviceContext {
  readonly kernel: Kernel;
  /** The memory of BAR `i` (the register file the driver reads). */
  bar(i: number): ArrayBuffer;
  /**
   * Every byte of BAR `i` back to its spec's `fill`, as at power-on; with
   * `registerBytes` declared, only the bytes written since are rewritten.
   * Errors: RangeError for a BAR the model does not implement.
   */
  restoreBar(i: number): void;
  /** `pci_set_irq()`: drives the INTx pin (level). Masked by the command register's INTx-disable bit. */
  setIntx(level: boolean): void;
  /** `msi_enabled()`: the MSI capability's enable bit. */
  msiEnabled(): boolean;
  /** `msi_notify()`: sends MSI message `vector`. Needs bus mastering, as the message is a DMA write. */
  msiNotify(vector: number): void;
  /** `pci_dma_read()`: RAM → `dest`. False (nothing copied) without bus mastering or outside RAM. */
  dmaRead(addr: number, dest: Uint8Array): boolean;
  /** `pci_dma_write()`: `src` → RAM. False (nothing written) without bus mastering or outside RAM. */
  dmaWrite(addr: number, src: Uint8Array): boolean;
  /** A timer on the kernel clock; `fire` runs in atomic (hardirq) context on CPU 0. */
  timer(label: string, fire: () => void): DeviceTimer;
  /** `qemu_log_mask(LOG_GUEST_ERROR, …)`: a guest programming error, recorded and traced. */
  guestError(msg: string): void;
}

/** A PCI device model. `EduDevice` is the reference implementation. */
export interface PciDeviceModel {
  /** Short name for traces: `edu`. */
  readonly name: string;
  readonly vendor: number;
  readonly device: number;
  readonly revision: number;
  /** 24-bit class code: class << 16 | subclass << 8 | prog-if. */
  readonly classCode: number;
  readonly subsystemVendor?: number;
  readonly subsystemDevice?: number;
  /** Up to six BARs; null/undefined for an unused slot (a mem64 BAR takes two slots). */
  readonly bars: readonly (PciBarSpec | null | undefined)[];
  /** 0 none, 1..4 = INTA..INTD. */
  readonly interruptPin: number;
  /** MSI vectors the device can send; 0 = no MSI capability. */
  readonly msiVectors: number;
  /** Read sizes (bytes) routed to {@link onMmioRead}. */
  readonly readHookSizes?: readonly (1 | 2 | 4 | 8)[];
  /** Realize: called once when plugged, before any access. */
  attach(ctx: PciDeviceContext): void;
  /** Called after a driver's store of `size` bytes at `off` in BAR `bar` landed in the buffer. */
  onMmioWrite(bar: number, off: number, size: number, value: number | bigint): void;
  /** A read of a size in {@link readHookSizes}; 8-byte reads return a bigint. */
  onMmioRead?(bar: number, off: number, size: number): number | bigint;
  /** Back to the power-on state (called at attach). */
  reset(): void;
  /** Unrealize: the device is gone (surprise removal or removal); stop device-side activity. */
  detach?(): void;
}
