/**
 * Emulates kernel/time/hrtimer.c.
 *
 * `hrtimer_forward()`: move a timer's expiry past `now` in whole intervals.
 */
import { HRTIMER_RESOLUTION_NS, ktimeAddSafe } from '../mode.js';
import { type HrTimer, timerKernel } from './hrtimer.js';

/**
 * hrtimerForward - forward the timer expiry so it expires after `now`.
 * @param timer the timer (not queued: typically from its own callback).
 * @param now the time to forward past (ns).
 * @param interval the period (ns); below the resolution (1 ns) it is raised to it.
 *
 * Context: any. Returns: the number of overruns, i.e. intervals added; the
 * new expiry is the first `expiry + n*interval` strictly after `now`.
 * 0 when `now` is before the expiry (nothing changes). On a queued timer
 * (checked after the `now < expiry` test, as in the kernel) WARNs and
 * returns 0 without changing the expiry.
 * Example: expiry 100, now 135, interval 10 → 4, expiry 140.
 * Mirrors `hrtimer_forward` exactly (soft and hard expiry move together).
 */
export function hrtimerForward(timer: HrTimer, now: number, interval: number): number {
  const k = timerKernel(timer, 'hrtimer_forward');
  const delta = now - timer.expires;
  if (delta < 0) return 0;
  if (timer.entry.heapIndex >= 0) {
    k.warn(
      `hrtimer ${timer.name}`,
      'kernel/time/hrtimer.c: hrtimer_forward: WARN_ON(timer->state & HRTIMER_STATE_ENQUEUED)',
    );
    return 0;
  }
  if (interval < HRTIMER_RESOLUTION_NS) interval = HRTIMER_RESOLUTION_NS;
  let orun = 1;
  if (delta >= interval) {
    orun = Math.floor(delta / interval);
    addExpires(timer, interval * orun);
    if (timer.expires > now) return orun;
    // Whole intervals reached `now` but not past it: the one below makes it strictly later.
    orun++;
  }
  addExpires(timer, interval);
  return orun;
}

/**
 * hrtimerForwardNow - forward the timer expiry past the current time of its clock.
 * Context: any. Returns: overruns, as {@link hrtimerForward}.
 * Mirrors `hrtimer_forward_now`.
 */
export function hrtimerForwardNow(timer: HrTimer, interval: number): number {
  return hrtimerForward(timer, timerKernel(timer, 'hrtimer_forward_now').now, interval);
}

function addExpires(timer: HrTimer, ns: number): void {
  timer.expires = ktimeAddSafe(timer.expires, ns);
  timer.softexpires = ktimeAddSafe(timer.softexpires, ns);
}
