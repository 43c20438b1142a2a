/** Emulates kernel/time/sleep_timeout.c (msleep, usleep_range; kernel/time/timer.c before 6.13). */

import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { timerEntry } from '../timer-queue.js';
import { checkIntRange, checkNs, checkU32, ktimeClamp } from '../validate.js';
import { timedTarget } from '../wait-graph.js';

/**
 * `schedule_timeout_uninterruptible()` in ns: sleeps `ns` of virtual time.
 * Context: may sleep. `counted` false keeps the timer out of the census
 * (docs/design.md §9: a grace period's wait is counted as `gp_rcu`).
 * Returns: when the time has passed. Errors: a `TypeError` (rejected
 * promise) for NaN, ±Infinity or a non-number (a `long` cannot hold them).
 * A negative timeout is the kernel's answer, not an exception:
 * `schedule_timeout()` prints "wrong timeout value" with a stack dump and
 * returns at once without sleeping; here that is a `warn` report.
 */
export async function sleepNs(k: Kernel, ns: number, what = 'schedule_timeout', counted = true): Promise<void> {
  checkNs(what, 'ns', ns);
  if (ns < 0) {
    k.warn(what, `schedule_timeout: wrong timeout value ${ns} ns (negative); returning without sleeping`);
    return;
  }
  if (!k.mightSleep(what)) return;
  // `as`: mightSleep() returned true, so we are in a task (it throws outside one and returns false in atomic context).
  const me = k.current as Task;
  const until = ktimeClamp(k.now + ns); // the timer saturates there too
  const e = timerEntry(`${what} ${me.name}/${me.pid}`, me.cpu, () => k.wake(me));
  k.armTimer(e, until, counted);
  const target = timedTarget(what);
  while (k.now < until) await k.block(what, target);
  k.cancelTimer(e, counted);
}

/**
 * `msleep()`: sleeps `ms` milliseconds of virtual time. Context: may sleep.
 * TypeError (rejected promise) unless `ms` fits C's `unsigned int`, so
 * `msleep(k, Infinity)` cannot move the clock to Infinity.
 */
export async function msleep(k: Kernel, ms: number): Promise<void> {
  checkU32('msleep', 'msecs', ms);
  return sleepNs(k, ms * 1_000_000, 'msleep');
}

/** `usleep_range()`: sleeps `min` microseconds (quiesce takes the lower bound). Context: may sleep. */
export async function usleepRange(k: Kernel, min: number, max: number): Promise<void> {
  checkIntRange('usleep_range', 'min', min, 0, Number.MAX_SAFE_INTEGER);
  checkIntRange('usleep_range', 'max', max, 0, Number.MAX_SAFE_INTEGER);
  return sleepNs(k, min * 1000, 'usleep_range');
}
