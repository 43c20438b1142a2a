/**
 * No kernel file: quiesce's leak check for kernel/time/hrtimer.c timers
 * (docs/design.md §4).
 *
 * Leak tracking: a timer set up or armed while a device is probing (or being
 * removed) belongs to that binding. If it is still queued or running after
 * unbind, the driver forgot `hrtimer_cancel` in remove(): a
 * `leak-at-unbind` report.
 */
import { currentBindingDevice, type Device, type Kernel, trackResource } from '@quiesce/core-devres';
import type { HrTimer } from './hrtimer.js';

/** Tracks `timer` against `dev` once per binding. */
export function trackOn(dev: Device, timer: HrTimer, managed: boolean): void {
  const binding: object = dev.bound ?? dev;
  if (timer.trackedBinding === binding) return;
  timer.trackedBinding = binding;
  trackResource(dev, {
    description: `hrtimer ${timer.name}`,
    busy: () => timer.entry.heapIndex >= 0 || (timer.base !== null && timer.base.running === timer),
    managed,
    acquiredStack: timer.registeredStack,
  });
}

/** Tracks `timer` against the device the current task is binding, if any. */
export function trackIfBinding(k: Kernel, timer: HrTimer): void {
  const dev = currentBindingDevice(k);
  if (dev !== null) trackOn(dev, timer, false);
}
