/**
 * Mapping BARs (lib/pci_iomap.c, drivers/pci/devres.c): `pci_iomap` returns
 * an {@link IoMem} over the BAR's memory, or null; `pcim_*` variants undo
 * themselves at unbind through the lifecycle contract (no fence: a mapping
 * runs nothing; release kills the handle).
 */
import {
  badArg,
  captureStack,
  checkIntRange,
  currentBindingDevice,
  devresAdd,
  devresReleaseResource,
  KernelError,
  type ManagedResource,
  mightSleep,
  trackResource,
  WeakSlot,
} from '@quiesce/core-devres';
import { IoMem, makeIoMem } from '../mmio/io-mem.js';
import { checkBarArg, checkPciDev, checkResName } from './check.js';
import type { PciDev } from './pci-dev.js';
import { pciBarIndexIsValid, pcimGiveRegion, pcimTakeRegion } from './regions.js';

// A WeakSlot, not a WeakMap: the devres entry reaches its mapping (core-devres kernel/weak-slot.ts).
const managedMaps = new WeakSlot<IoMem, ManagedResource>('pcim mapping');

/** `dev`, `bar` and `maxlen` (an `unsigned long`): a `TypeError` for what C cannot hold. */
function checkMapArgs(fnName: string, dev: unknown, bar: unknown, maxlen: unknown): void {
  checkPciDev(fnName, dev);
  checkBarArg(fnName, bar);
  checkIntRange(fnName, 'maxlen', maxlen, 0, Number.MAX_SAFE_INTEGER);
}

function map(dev: PciDev, bar: number, offset: number, maxlen: number, managed: boolean): IoMem | null {
  if (!pciBarIndexIsValid(bar)) return null;
  const r = dev.resources[bar];
  if (r === undefined || r.memory === null || r.start === 0 || r.len <= offset) return null;
  let len = r.len - offset;
  if (maxlen !== 0 && len > maxlen) len = maxlen;
  const io = makeIoMem(
    dev.kernel,
    `${dev.model.name} ${dev.name} BAR${bar}${offset ? `+0x${offset.toString(16)}` : ''}`,
    new DataView(r.memory.buffer, offset, len),
    dev,
    bar,
    offset,
  );
  dev.kernel.trace('iomap', io.name);
  if (currentBindingDevice(dev.kernel) === dev) {
    trackResource(dev, {
      description: `iomap ${io.name}`,
      busy: () => !io.isReleased,
      managed,
      acquiredStack: captureStack(dev.kernel.sanitizer.mode, 3),
    });
  }
  return io;
}

/**
 * `pci_iomap_range()`: maps `[offset, offset+maxlen)` of BAR `bar` (maxlen 0
 * or beyond the BAR: up to its end). Context: may sleep.
 * Returns: the mapping, or null for an invalid or unused BAR or an offset
 * at or past its end.
 */
export function pciIomapRange(dev: PciDev, bar: number, offset: number, maxlen: number): IoMem | null {
  checkMapArgs('pci_iomap_range', dev, bar, maxlen);
  checkIntRange('pci_iomap_range', 'offset', offset, 0, Number.MAX_SAFE_INTEGER);
  mightSleep(dev.kernel, 'pci_iomap_range'); // may sleep in the kernel: checked whether or not it blocks
  return map(dev, bar, offset, maxlen, false);
}

/**
 * `pci_iomap()`: maps BAR `bar`, at most `maxlen` bytes (0 or more than the
 * BAR: the whole BAR). Context: may sleep.
 * Returns: the mapping, or null for an invalid or unused BAR.
 */
export function pciIomap(dev: PciDev, bar: number, maxlen: number): IoMem | null {
  checkMapArgs('pci_iomap', dev, bar, maxlen);
  mightSleep(dev.kernel, 'pci_iomap'); // may sleep in the kernel: checked whether or not it blocks
  return map(dev, bar, 0, maxlen, false);
}

/**
 * `pci_iounmap()`: unmaps; the handle is dead afterwards (a stale access is
 * a use-after-remove). A second unmap is a double-release report.
 * Context: may sleep (iounmap() frees the vmalloc area: remove_vm_area()
 * is annotated might_sleep()); checked whether or not it blocks. A NULL (or
 * undefined) `io` is ignored, as `iounmap(NULL)` is; anything but an
 * `IoMem` is a `TypeError`.
 */
export function pciIounmap(dev: PciDev, io: IoMem): void {
  checkPciDev('pci_iounmap', dev);
  mightSleep(dev.kernel, 'pci_iounmap');
  if (io === null || io === undefined) return;
  if (!(io instanceof IoMem)) throw badArg('pci_iounmap', 'addr', 'an IoMem or null', io);
  io.release();
}

/**
 * `pcim_iomap()`: {@link pciIomap}, unmapped at unbind. Meant once per BAR:
 * a second mapping of a BAR warns (the kernel's `WARN_ON` on its legacy
 * table) and is still made. Context: may sleep.
 * Returns: the mapping, or null (as `pci_iomap`, or `-ENOMEM` from devres).
 */
export function pcimIomap(dev: PciDev, bar: number, maxlen: number): IoMem | null {
  checkMapArgs('pcim_iomap', dev, bar, maxlen);
  mightSleep(dev.kernel, 'pcim_iomap'); // may sleep in the kernel: checked whether or not it blocks
  const io = map(dev, bar, 0, maxlen, true);
  if (io === null) return null;
  if (dev.pcimTable[bar])
    dev.kernel.warn(dev.name, `pcim_iomap: BAR ${bar} is already mapped (WARN_ON(legacy_iomap_table[bar]))`);
  const res: ManagedResource = {
    name: `pcim_iomap ${io.name}`,
    release: () => {
      if (dev.pcimTable[bar] === io) dev.pcimTable[bar] = null;
      io.release();
    },
  };
  try {
    devresAdd(dev, res);
  } catch {
    io.release();
    return null;
  }
  dev.pcimTable[bar] = io;
  managedMaps.set(io, res);
  return io;
}

/**
 * `pcim_iounmap()`: unmaps a `pcim_*` mapping now and drops its devres
 * entry; a handle not from `pcim_*` is ignored, as in the kernel.
 * Context: may sleep.
 */
export async function pcimIounmap(dev: PciDev, io: IoMem): Promise<void> {
  checkPciDev('pcim_iounmap', dev);
  mightSleep(dev.kernel, 'pcim_iounmap'); // devres_release of the mapping: pci_iounmap may sleep
  const res = managedMaps.get(io);
  if (!res) return;
  managedMaps.delete(io);
  await devresReleaseResource(dev, res);
}

/**
 * `pcim_iomap_region()`: requests BAR `bar` for `name` and maps all of it;
 * both undone at unbind. Context: may sleep.
 * Errors (the kernel's IOMEM_ERR_PTR, thrown): `-EBUSY` when the region is
 * taken, `-EINVAL` when the BAR is invalid or unused, `-ENOMEM`.
 */
export function pcimIomapRegion(dev: PciDev, bar: number, name: string): IoMem {
  checkPciDev('pcim_iomap_region', dev);
  checkBarArg('pcim_iomap_region', bar);
  checkResName('pcim_iomap_region', name);
  mightSleep(dev.kernel, 'pcim_iomap_region'); // may sleep in the kernel: checked whether or not it blocks
  if (!pciBarIndexIsValid(bar)) throw new KernelError('EINVAL', `pcim_iomap_region: BAR ${bar} is not valid`);
  pcimTakeRegion(dev, bar, name);
  const io = map(dev, bar, 0, 0, true);
  if (io === null) {
    pcimGiveRegion(dev, bar);
    throw new KernelError('EINVAL', `pcim_iomap_region: BAR ${bar} of ${dev.name} cannot be mapped`);
  }
  const res: ManagedResource = {
    name: `pcim_iomap_region ${io.name}`,
    release: () => {
      io.release();
      pcimGiveRegion(dev, bar);
    },
  };
  try {
    devresAdd(dev, res);
  } catch (e) {
    io.release();
    pcimGiveRegion(dev, bar);
    throw e;
  }
  managedMaps.set(io, res);
  return io;
}

/** `pcim_iounmap_region()`: unmaps and releases a {@link pcimIomapRegion} now. Context: may sleep. */
export async function pcimIounmapRegion(dev: PciDev, io: IoMem): Promise<void> {
  checkPciDev('pcim_iounmap_region', dev);
  mightSleep(dev.kernel, 'pcim_iounmap_region');
  await pcimIounmap(dev, io);
}
