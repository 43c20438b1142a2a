/**
 * A fence on a device's devres list (drivers/base/devres.c's list, under
 * the fence/release contract of docs/devres.md), with the leak check.
 */
import { type Device, trackResource } from '../device/device.js';
import { devresAdd } from '../devres/devres.js';
import { type Fence, type FenceOps, fenceInit, fenceSync } from './fence.js';

/** What the devres entry adds to a fence: the release step and the leak check's question. */
export interface DevmFenceParts {
  /** The release step (atomic): frees what the resource held. Default: nothing. */
  release?(): void | Promise<void>;
  /**
   * True while the resource is armed, queued, running or registered. When
   * given, the resource is tracked for the leak check as managed: still
   * busy after unbind means the fence did not hold (`leak-at-unbind`, with
   * the fence's acquisition stack).
   */
  busy?(): boolean;
}

/** A fence's options for {@link devmFence}: the quiesce step plus the devres parts. */
export interface DevmFenceOps extends FenceOps, DevmFenceParts {}

/**
 * devmFence - set up a fence and register it on `dev`'s devres list.
 * @param dev the device whose binding owns the resource.
 * @param name the resource, as reports and traces name it (`hrtimer edu_poll`).
 * @param ops the quiesce step, how late starts count, release and busy.
 *
 * At unbind the entry's fence step is {@link fenceSync} (flag first, then
 * the quiesce step) and its release step is `ops.release`, in the device's
 * unbind order (two-phase: every fence, then every release).
 * Context: may sleep (devres_alloc with GFP_KERNEL; normally probe).
 * Returns: the fence, open.
 * Errors: `-ENOMEM` from devres (fault injection): nothing registered,
 * nothing tracked; the caller undoes what it set up.
 * No kernel counterpart: the fenced discipline's `devm_add_action` of a
 * subsystem's sync teardown, with the flag the kernel keeps per subsystem.
 */
export function devmFence(dev: Device, name: string, ops: DevmFenceOps): Fence {
  const fence = fenceInit(dev.kernel, name, ops);
  return devmFenceAdd(dev, fence, ops);
}

/**
 * devmFenceAdd - register an existing fence on `dev`'s devres list.
 * @param dev the device.
 * @param fence a fence from {@link fenceInit} (a subsystem that needs the
 *   fence before the device, e.g. at registration, makes it first).
 * @param parts the release step and the leak check's `busy`.
 *
 * Context: may sleep (devres_alloc with GFP_KERNEL). Returns: `fence`.
 * Errors: `-ENOMEM` as {@link devmFence}.
 */
export function devmFenceAdd(dev: Device, fence: Fence, parts: DevmFenceParts = {}): Fence {
  const release = parts.release;
  devresAdd(dev, {
    name: fence.name,
    fence: () => fenceSync(fence),
    release: release === undefined ? () => undefined : () => release(),
  });
  const busy = parts.busy;
  if (busy !== undefined) {
    trackResource(dev, { description: fence.name, busy, managed: true, acquiredStack: fence.acquiredStack });
  }
  return fence;
}
