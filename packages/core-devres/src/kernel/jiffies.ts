/**
 * jiffies (include/linux/jiffies.h, kernel/time/time.c, kernel/time/timer.c):
 * the tick counter the kernel's timeouts are counted in.
 *
 * quiesce fixes `HZ` at 250 (CONFIG_HZ_250, the most common distribution
 * setting): one jiffy is 4 ms of virtual time, and `jiffies` is the number of
 * whole ticks since boot (no INITIAL_JIFFIES offset, no wrap-around: the
 * clock is a double and never gets near 2^53 ns in a scenario).
 *
 * "Forever" is a finite number, as in C: `MAX_SCHEDULE_TIMEOUT` is C's
 * LONG_MAX, stood in for by `Number.MAX_SAFE_INTEGER` (the largest integer a
 * number holds exactly), and `MAX_JIFFY_OFFSET` keeps its kernel definition
 * relative to it, `(MAX >> 1) - 1`.
 */
import { checkKernel } from './check-kernel.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { timerEntry } from './timer-queue.js';
import { badArg } from './validate.js';
import { timedTarget, type WaitTarget } from './wait-graph.js';

/** Ticks per second. */
export const HZ = 250;
/** Nanoseconds per tick (`TICK_NSEC`): 4 ms. */
export const TICK_NSEC = 1_000_000_000 / HZ;
/** `MAX_SCHEDULE_TIMEOUT`: a timeout that never expires (C's LONG_MAX; here 2^53 - 1). */
export const MAX_SCHEDULE_TIMEOUT = Number.MAX_SAFE_INTEGER;
/** `MAX_JIFFY_OFFSET`: the largest timeout the conversions return, `((LONG_MAX >> 1) - 1)`. */
export const MAX_JIFFY_OFFSET = Math.floor(MAX_SCHEDULE_TIMEOUT / 2) - 1;

/** `jiffies`: whole ticks of virtual time since the kernel started. Context: any. */
export function jiffies(k: Kernel): number {
  checkKernel('jiffies', k);
  return Math.floor(k.now / TICK_NSEC);
}

/**
 * `msecs_to_jiffies(m)`: rounds up (1 ms is one jiffy). A negative `m`
 * means "infinite" and returns {@link MAX_JIFFY_OFFSET}, as does anything
 * beyond it. Context: any. TypeError when `m` is not an integer.
 */
export function msecsToJiffies(m: number): number {
  if (!Number.isInteger(m)) throw new TypeError(`msecs_to_jiffies: m must be an integer, got ${String(m)}`);
  if (m < 0) return MAX_JIFFY_OFFSET;
  const per = 1000 / HZ;
  if (m > jiffiesToMsecs(MAX_JIFFY_OFFSET)) return MAX_JIFFY_OFFSET;
  return Math.ceil(m / per);
}

/** `usecs_to_jiffies(u)`: rounds up; negative is {@link MAX_JIFFY_OFFSET}. Context: any. */
export function usecsToJiffies(u: number): number {
  if (!Number.isInteger(u)) throw new TypeError(`usecs_to_jiffies: u must be an integer, got ${String(u)}`);
  if (u < 0) return MAX_JIFFY_OFFSET;
  return Math.min(MAX_JIFFY_OFFSET, Math.ceil(u / (1_000_000 / HZ)));
}

/** `jiffies_to_msecs(j)`. Context: any. TypeError when `j` is not an integer. */
export function jiffiesToMsecs(j: number): number {
  if (!Number.isSafeInteger(j)) throw new TypeError(`jiffies_to_msecs: j must be an integer, got ${String(j)}`);
  return j * (1000 / HZ);
}

/** `jiffies_to_usecs(j)`. Context: any. TypeError when `j` is not an integer. */
export function jiffiesToUsecs(j: number): number {
  if (!Number.isSafeInteger(j)) throw new TypeError(`jiffies_to_usecs: j must be an integer, got ${String(j)}`);
  return j * (1_000_000 / HZ);
}

/** `time_after(a, b)`: true when jiffy `a` is after `b`. Context: any. */
export function timeAfter(a: number, b: number): boolean {
  return b - a < 0;
}

/** `time_before(a, b)`. Context: any. */
export function timeBefore(a: number, b: number): boolean {
  return timeAfter(b, a);
}

/**
 * `schedule_timeout()` core: parks the current task until it is woken
 * (`wake` from a wait queue, a completion…) or `timeout` jiffies have passed,
 * and returns the jiffies left (0 when it timed out). The timer expires at a
 * tick boundary, as the timer wheel's do: the sleep lasts between
 * `timeout - 1` and `timeout` jiffies. {@link MAX_SCHEDULE_TIMEOUT} arms no
 * timer and returns itself. A negative timeout is the kernel's "wrong
 * timeout value" error (a `warn` report) and returns 0 at once.
 * `park` does the parking (it registers on whatever queue wakes the task),
 * with the wait target to block with (timed when a timeout is armed).
 * Context: may sleep (the caller checked might_sleep).
 */
export async function scheduleTimeoutWith(
  k: Kernel,
  timeout: number,
  what: string,
  park: (waitFor: WaitTarget | null) => Promise<void>,
): Promise<number> {
  if (!Number.isInteger(timeout)) throw badArg(what, 'timeout', 'an integer (jiffies)', timeout);
  if (timeout === MAX_SCHEDULE_TIMEOUT) {
    await park(null);
    return MAX_SCHEDULE_TIMEOUT;
  }
  if (timeout < 0) {
    k.warn(what, `schedule_timeout: wrong timeout value ${timeout}`);
    return 0;
  }
  const me = k.current as Task;
  const expire = jiffies(k) + timeout;
  if (timeout > 0) {
    const e = timerEntry(`${what} ${me.name}/${me.pid}`, me.cpu, () => k.wake(me));
    k.armTimer(e, expire * TICK_NSEC);
    try {
      // A timed wait ends by itself: never stuck, never a wait-for edge.
      await park(timedTarget(what));
    } finally {
      k.cancelTimer(e);
    }
  }
  const left = expire - jiffies(k);
  return Math.max(left, 0);
}

/**
 * `schedule_timeout_uninterruptible(timeout)`: sleeps `timeout` jiffies
 * unless the task is woken directly first; returns 0, or the jiffies left.
 * Context: may sleep. Errors: a `TypeError` (rejected promise) when `k` is
 * not a Kernel or `timeout` not an integer, checked before might_sleep.
 */
export async function scheduleTimeoutUninterruptible(k: Kernel, timeout: number): Promise<number> {
  checkKernel('schedule_timeout_uninterruptible', k);
  if (!Number.isInteger(timeout)) throw badArg('schedule_timeout', 'timeout', 'an integer (jiffies)', timeout);
  if (!k.mightSleep('schedule_timeout_uninterruptible')) return timeout;
  const me = k.current as Task;
  return scheduleTimeoutWith(k, timeout, 'schedule_timeout', (w) =>
    k.block(`schedule_timeout ${me.name}/${me.pid}`, w),
  );
}
