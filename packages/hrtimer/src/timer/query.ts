/**
 * Emulates include/linux/hrtimer.h.
 *
 * State queries and expiry accessors (include/linux/hrtimer.h inlines).
 */
import { checkNs } from '@quiesce/core-devres';
import { ktimeAddSafe } from '../mode.js';
import { type HrTimer, timerKernel } from './hrtimer.js';

/**
 * hrtimerIsQueued - true when the timer is on its base's queue (`HRTIMER_STATE_ENQUEUED`).
 * Context: any. Mirrors `hrtimer_is_queued`.
 */
export function hrtimerIsQueued(timer: HrTimer): boolean {
  return timer.entry.heapIndex >= 0;
}

/**
 * hrtimerCallbackRunning - true while the timer's callback runs (including
 * its `callbackSpanNs`), i.e. `timer->base->running == timer`.
 * Context: any. Mirrors `hrtimer_callback_running`.
 */
export function hrtimerCallbackRunning(timer: HrTimer): boolean {
  return timer.base !== null && timer.base.running === timer;
}

/**
 * hrtimerActive - true when the timer is queued or its callback is running.
 * Context: any. Mirrors `hrtimer_active`.
 */
export function hrtimerActive(timer: HrTimer): boolean {
  return timer.entry.heapIndex >= 0 || (timer.base !== null && timer.base.running === timer);
}

/**
 * hrtimerGetRemaining - hard expiry minus now (ns); negative once past.
 * Context: any. Returns the remaining time whatever the timer's state, as the kernel.
 * Mirrors `hrtimer_get_remaining`.
 */
export function hrtimerGetRemaining(timer: HrTimer): number {
  return timer.expires - timerKernel(timer, 'hrtimer_get_remaining').now;
}

/** hrtimerGetExpires - the hard expiry (ns). Context: any. Mirrors `hrtimer_get_expires`. */
export function hrtimerGetExpires(timer: HrTimer): number {
  return timer.expires;
}

/** hrtimerGetSoftexpires - the soft expiry (ns), when the callback runs. Context: any. Mirrors `hrtimer_get_softexpires`. */
export function hrtimerGetSoftexpires(timer: HrTimer): number {
  return timer.softexpires;
}

/**
 * hrtimerSetExpires - sets soft and hard expiry to `time` (ns) without
 * arming. Use on an idle timer (then `hrtimerStartExpires`) or from its
 * callback before returning RESTART.
 * Context: any. Mirrors `hrtimer_set_expires`. Errors: a `TypeError` for a
 * `time` no `ktime_t` holds (NaN, ±Infinity). Deliberate difference: on a
 * queued timer the kernel silently corrupts its queue order; quiesce warns
 * and changes the value, the queue position stays where it was.
 */
export function hrtimerSetExpires(timer: HrTimer, time: number): void {
  checkNs('hrtimer_set_expires', 'time', time); // a NaN expiry would surface far away, at the next start
  warnIfQueued(timer, 'hrtimer_set_expires');
  timer.softexpires = time;
  timer.expires = time;
}

/**
 * hrtimerSetExpiresRangeNs - soft expiry `time`, hard expiry `time + delta`.
 * Context: any. Mirrors `hrtimer_set_expires_range_ns` (same warning as {@link hrtimerSetExpires}).
 */
export function hrtimerSetExpiresRangeNs(timer: HrTimer, time: number, delta: number): void {
  checkNs('hrtimer_set_expires_range_ns', 'time', time);
  checkNs('hrtimer_set_expires_range_ns', 'delta', delta);
  warnIfQueued(timer, 'hrtimer_set_expires_range_ns');
  timer.softexpires = time;
  timer.expires = ktimeAddSafe(time, delta);
}

/**
 * hrtimerAddExpiresNs - moves both expiries by `ns`.
 * Context: any. Mirrors `hrtimer_add_expires_ns` (same warning as {@link hrtimerSetExpires}).
 */
export function hrtimerAddExpiresNs(timer: HrTimer, ns: number): void {
  checkNs('hrtimer_add_expires_ns', 'ns', ns);
  warnIfQueued(timer, 'hrtimer_add_expires_ns');
  timer.softexpires = ktimeAddSafe(timer.softexpires, ns);
  timer.expires = ktimeAddSafe(timer.expires, ns);
}

/** hrtimerCbGetTime - the current time of the timer's clock (ns). Context: any. Mirrors `hrtimer_cb_get_time`. */
export function hrtimerCbGetTime(timer: HrTimer): number {
  return timerKernel(timer, 'hrtimer_cb_get_time').now;
}

function warnIfQueued(timer: HrTimer, what: string): void {
  const k = timer.kernel;
  if (k !== null && timer.entry.heapIndex >= 0) {
    k.warn(`hrtimer ${timer.name}`, `${what} on a queued hrtimer ${timer.name}: the queue is not re-sorted`);
  }
}
