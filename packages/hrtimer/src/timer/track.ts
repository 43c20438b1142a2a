/**
 * No kernel file: quiesce's leak check for kernel/time/hrtimer.c timers
 * (docs/design.md §4).
 *
 * Leak tracking: a timer set up or armed while a device is probing (or being
 * removed) belongs to that binding. If it is still queued or running after
 * unbind, the driver forgot `hrtimer_cancel` in remove(): a
 * `leak-at-unbind` report. A devm timer is tracked by its core fence instead
 * (as managed), see lifecycle/devm.ts.
 */
import { currentBindingDevice, type Device, type Kernel, trackResource } from '@quiesce/core-devres';
import type { HrTimer } from './hrtimer.js';

/** True while `timer` is queued or its callback runs (`hrtimer_active`). */
export function timerBusy(timer: HrTimer): boolean {
  return timer.entry.heapIndex >= 0 || (timer.base !== null && timer.base.running === timer);
}

/** Marks `timer` as accounted for in `dev`'s current binding; returns false if it already was. */
export function claimForBinding(dev: Device, timer: HrTimer): boolean {
  const binding: object = dev.bound ?? dev;
  if (timer.trackedBinding === binding) return false;
  timer.trackedBinding = binding;
  return true;
}

/** Tracks an unmanaged `timer` against `dev` once per binding. */
export function trackOn(dev: Device, timer: HrTimer): void {
  if (!claimForBinding(dev, timer)) return;
  trackResource(dev, {
    description: `hrtimer ${timer.name}`,
    busy: () => timerBusy(timer),
    managed: false,
    acquiredStack: timer.registeredStack,
  });
}

/** Tracks `timer` against the device the current task is binding, if any. */
export function trackIfBinding(k: Kernel, timer: HrTimer): void {
  const dev = currentBindingDevice(k);
  if (dev !== null) trackOn(dev, timer);
}
