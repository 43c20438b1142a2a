/**
 * DRM's hot-unplug guard (drivers/gpu/drm/drm_drv.c): `drm_dev_enter()`,
 * `drm_dev_exit()`, `drm_dev_unplug()`, the srcu-device discipline of
 * docs/disciplines.md.
 *
 * Semantics kept from the kernel:
 * - one SRCU domain for every device (`drm_unplug_srcu`, static in
 *   drm_drv.c): here one per {@link Kernel}, shared by all its DrmDevices;
 * - `drm_dev_enter()` takes the SRCU read lock, then reads the device's
 *   `unplugged` flag: set, it unlocks again and fails; calls nest, and the
 *   section may sleep (it is SRCU);
 * - `drm_dev_unplug()` sets the flag, waits one `synchronize_srcu()` (every
 *   section entered before the flag was seen is over), then unregisters:
 *   one grace period per device, however many resources it guards.
 *
 * Deliberate differences: C's `bool drm_dev_enter(dev, &idx)` writes the
 * index through a pointer; JavaScript has no out-parameters, so
 * {@link drmDevEnter} returns the index, or -1 for "false" (no allocation on
 * the hot path). `drm_dev_exit(idx)` finds the static domain by name; here
 * {@link drmDevExit} takes the device to reach its kernel's domain.
 */
import type { Device } from '../device/device.js';
import type { Kernel } from '../kernel/kernel.js';
import { KernelLocal } from '../kernel/kernel-local.js';
import { mightSleep } from '../kernel/might-sleep.js';
import { synchronizeSrcuGp } from './srcu-grace.js';
import { SrcuStruct } from './srcu-struct.js';

const DRM_UNPLUG_SRCU = new KernelLocal((k) => new SrcuStruct(k, 'drm_unplug_srcu'));

/** The kernel's one `drm_unplug_srcu` domain. Context: any. */
export function drmUnplugSrcu(k: Kernel): SrcuStruct {
  return DRM_UNPLUG_SRCU.get(k);
}

/** `struct drm_device`, reduced to what the unplug guard needs. */
export class DrmDevice {
  /** `dev->unplugged`: set by {@link drmDevUnplug}; read inside the SRCU section. */
  unplugged = false;
  /** Registered (`drm_dev_register` done, `drm_dev_unregister` not yet). */
  registered = true;
  /** The kernel's shared domain, cached: the hot path does not look it up. */
  readonly srcu: SrcuStruct;

  constructor(
    /** The parent bus device (`drm->dev`). */
    readonly parent: Device,
    readonly name: string,
  ) {
    this.srcu = drmUnplugSrcu(parent.kernel);
  }
}

/**
 * `drm_dev_alloc()` + `drm_dev_register()` in one step: a registered DRM
 * device on `parent`. The driver calls {@link drmDevUnplug} from its
 * `remove()`, as DRM drivers do. Context: may sleep (drm_dev_alloc's
 * kzalloc(GFP_KERNEL), drm_dev_register's mutex; checked with might_sleep()).
 */
export function drmDevAlloc(parent: Device, name: string): DrmDevice {
  mightSleep(parent.kernel, 'drm_dev_alloc');
  const d = new DrmDevice(parent, name);
  if (parent.kernel.tracing) parent.kernel.trace('drm_dev_register', name);
  return d;
}

/**
 * `drm_dev_enter(dev, &idx)`: enters the device's read-side section.
 * Returns: the SRCU index to hand to {@link drmDevExit}, or -1 (C's false)
 * once the device is unplugged; then nothing is held. Nests. Context: any;
 * the section may sleep.
 */
export function drmDevEnter(ddev: DrmDevice): number {
  const idx = ddev.srcu.srcuReadLock();
  if (ddev.unplugged) {
    ddev.srcu.srcuReadUnlock(idx);
    return -1;
  }
  return idx;
}

/** `drm_dev_exit(idx)`: leaves the section {@link drmDevEnter} entered. An unknown index warns. Context: any. */
export function drmDevExit(ddev: DrmDevice, idx: number): void {
  ddev.srcu.srcuReadUnlock(idx);
}

/** `drm_dev_is_unplugged()`: true once {@link drmDevUnplug} has set the flag. Context: any. */
export function drmDevIsUnplugged(ddev: DrmDevice): boolean {
  return ddev.unplugged;
}

/**
 * `drm_dev_unplug()`: sets `unplugged`, waits one `synchronize_srcu()` on the
 * shared domain (every section that may not have seen the flag is over),
 * then unregisters. A second call returns at once (the kernel would
 * synchronize and unregister again; nothing here depends on that).
 * Context: may sleep.
 */
export async function drmDevUnplug(ddev: DrmDevice): Promise<void> {
  if (ddev.unplugged) return;
  const k = ddev.parent.kernel;
  ddev.unplugged = true;
  await synchronizeSrcuGp(k, ddev.srcu);
  ddev.registered = false;
  if (k.tracing) k.trace('drm_dev_unregister', ddev.name);
}
