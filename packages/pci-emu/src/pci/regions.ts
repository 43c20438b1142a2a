/**
 * BAR regions (drivers/pci/pci.c, devres.c): `pci_request_region(s)` marks a
 * BAR busy in the resource tree under a name; a second request fails with
 * `-EBUSY`. Every entry point takes a `PciDev`, an integer BAR (or mask) and
 * a string name, or throws a `TypeError` before anything changes
 * (docs/validation.md). BARs never overlap here, so the resource tree reduces to an
 * owner per BAR.
 */
import {
  captureStack,
  checkInt,
  currentBindingDevice,
  devresAdd,
  devresRemoveResource,
  KernelError,
  type ManagedResource,
  mightSleep,
  trackResource,
  WeakSlot,
} from '@quiesce/core-devres';
import { checkBarArg, checkPciDev, checkResName } from './check.js';
import { PCI_STD_NUM_BARS } from './constants.js';
import type { PciDev } from './pci-dev.js';

/** `pci_bar_index_is_valid()`. */
export function pciBarIndexIsValid(bar: number): boolean {
  return Number.isInteger(bar) && bar >= 0 && bar < PCI_STD_NUM_BARS;
}

/** `pci_resource_start()`: 0 for an invalid or unused BAR. */
export function pciResourceStart(dev: PciDev, bar: number): number {
  checkPciDev('pci_resource_start', dev);
  checkBarArg('pci_resource_start', bar);
  return pciBarIndexIsValid(bar) ? (dev.resources[bar]?.start ?? 0) : 0;
}

/** `pci_resource_len()`: 0 for an invalid or unused BAR. */
export function pciResourceLen(dev: PciDev, bar: number): number {
  checkPciDev('pci_resource_len', dev);
  checkBarArg('pci_resource_len', bar);
  return pciBarIndexIsValid(bar) ? (dev.resources[bar]?.len ?? 0) : 0;
}

/** @internal Takes BAR `bar` for `name`; returns false when it is taken. */
function take(dev: PciDev, bar: number, name: string, managed: boolean): void {
  const r = dev.resources[bar];
  if (r === undefined || r.len === 0) return;
  if (r.owner !== null) {
    dev.kernel.trace('pci_region_busy', `${dev.name} BAR ${bar}: can't reserve (held by ${r.owner})`);
    throw new KernelError(
      'EBUSY',
      `${dev.name}: BAR ${bar}: can't reserve [0x${r.start.toString(16)}], held by ${r.owner}`,
    );
  }
  r.owner = name;
  const binding = currentBindingDevice(dev.kernel);
  if (binding === dev) {
    trackResource(dev, {
      description: `region BAR ${bar} (${name})`,
      busy: () => r.owner === name,
      managed,
      acquiredStack: captureStack(dev.kernel.sanitizer.mode, 3),
    });
  }
}

function give(dev: PciDev, bar: number): void {
  const r = dev.resources[bar];
  if (r === undefined || r.len === 0) return;
  if (r.owner === null) {
    dev.kernel.trace('pci_region_free', `Trying to free nonexistent resource BAR ${bar} of ${dev.name}`);
    return;
  }
  r.owner = null;
}

/**
 * `pci_request_region()`: reserves BAR `bar` for `name`. An unused BAR
 * succeeds without reserving anything. Context: may sleep.
 * Errors: `-EINVAL` for a BAR index outside 0..5; `-EBUSY` when taken.
 */
export function pciRequestRegion(dev: PciDev, bar: number, name: string): void {
  checkPciDev('pci_request_region', dev);
  checkBarArg('pci_request_region', bar);
  checkResName('pci_request_region', name);
  mightSleep(dev.kernel, 'pci_request_region'); // may sleep in the kernel (__request_region: GFP_KERNEL): checked whether or not it blocks
  if (!pciBarIndexIsValid(bar)) throw new KernelError('EINVAL', `pci_request_region: BAR ${bar} is not valid`);
  take(dev, bar, name, false);
}

/** `pci_release_region()`: releases BAR `bar`; an invalid or unused BAR is ignored. Context: any. */
export function pciReleaseRegion(dev: PciDev, bar: number): void {
  checkPciDev('pci_release_region', dev);
  checkBarArg('pci_release_region', bar);
  if (!pciBarIndexIsValid(bar)) return;
  give(dev, bar);
}

/**
 * `pci_request_selected_regions()`: reserves the BARs in `mask`; on failure
 * releases those it took (in reverse) and throws `-EBUSY`. Context: may sleep.
 */
export function pciRequestSelectedRegions(dev: PciDev, mask: number, name: string): void {
  checkPciDev('pci_request_selected_regions', dev);
  checkInt('pci_request_selected_regions', 'bars', mask);
  checkResName('pci_request_selected_regions', name);
  mightSleep(dev.kernel, 'pci_request_selected_regions'); // may sleep in the kernel (__request_region: GFP_KERNEL): checked whether or not it blocks
  for (let i = 0; i < PCI_STD_NUM_BARS; i++) {
    if ((mask & (1 << i)) === 0) continue;
    try {
      take(dev, i, name, false);
    } catch (e) {
      while (--i >= 0) if ((mask & (1 << i)) !== 0) give(dev, i);
      throw e;
    }
  }
}

/** `pci_release_selected_regions()`. Context: any. */
export function pciReleaseSelectedRegions(dev: PciDev, mask: number): void {
  checkPciDev('pci_release_selected_regions', dev);
  checkInt('pci_release_selected_regions', 'bars', mask);
  for (let i = 0; i < PCI_STD_NUM_BARS; i++) if ((mask & (1 << i)) !== 0) give(dev, i);
}

/**
 * `pci_request_regions()`: reserves all six BARs; rolls back what it took
 * when one is busy. Context: may sleep. Errors: `-EBUSY`.
 */
export function pciRequestRegions(dev: PciDev, name: string): void {
  pciRequestSelectedRegions(dev, (1 << PCI_STD_NUM_BARS) - 1, name);
}

/** `pci_release_regions()`. Context: any. */
export function pciReleaseRegions(dev: PciDev): void {
  checkPciDev('pci_release_regions', dev);
  pciReleaseSelectedRegions(dev, (1 << PCI_STD_NUM_BARS) - 1);
}

// A WeakSlot, not a WeakMap: the devres entries reach their device (core-devres kernel/weak-slot.ts).
const pcimRegions = new WeakSlot<PciDev, Map<number, ManagedResource>>('pcim regions');

/** @internal Takes BAR `bar` as a devres-managed region; returns the devres. */
export function pcimTakeRegion(dev: PciDev, bar: number, name: string): void {
  take(dev, bar, name, true);
}

/**
 * `pcim_request_region()`: {@link pciRequestRegion}, released at unbind.
 * Context: may sleep. Errors: `-EINVAL`, `-EBUSY`, `-ENOMEM`.
 */
export function pcimRequestRegion(dev: PciDev, bar: number, name: string): void {
  checkPciDev('pcim_request_region', dev);
  checkBarArg('pcim_request_region', bar);
  checkResName('pcim_request_region', name);
  mightSleep(dev.kernel, 'pcim_request_region'); // may sleep in the kernel (__request_region: GFP_KERNEL): checked whether or not it blocks
  if (!pciBarIndexIsValid(bar)) throw new KernelError('EINVAL', `pcim_request_region: BAR ${bar} is not valid`);
  take(dev, bar, name, true);
  const res: ManagedResource = { name: `region BAR ${bar}`, release: () => give(dev, bar) };
  try {
    devresAdd(dev, res);
  } catch (e) {
    give(dev, bar);
    throw e;
  }
  let m = pcimRegions.get(dev);
  if (!m) {
    m = new Map();
    pcimRegions.set(dev, m);
  }
  m.set(bar, res);
}

/**
 * `pcim_release_region()`: releases a region from {@link pcimRequestRegion}
 * now (devres_release: the entry leaves the list, then its release runs).
 * Context: any, as in the kernel (release_mem_region only takes a spinlock);
 * async for the callers that await it.
 */
export async function pcimReleaseRegion(dev: PciDev, bar: number): Promise<void> {
  checkPciDev('pcim_release_region', dev);
  checkBarArg('pcim_release_region', bar);
  const res = pcimRegions.get(dev)?.get(bar);
  if (!res) return;
  pcimRegions.get(dev)?.delete(bar);
  if (devresRemoveResource(dev, res)) await res.release();
}

/** @internal Gives a region back (for pcim_iomap_region's unwind and release). */
export function pcimGiveRegion(dev: PciDev, bar: number): void {
  give(dev, bar);
}
