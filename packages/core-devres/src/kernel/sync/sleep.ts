/** Emulates kernel/time/sleep_timeout.c (msleep, usleep_range; kernel/time/timer.c before 6.13). */
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { timerEntry } from '../timer-queue.js';
import { timedTarget } from '../wait-graph.js';

/**
 * `schedule_timeout_uninterruptible()` in ns: sleeps `ns` of virtual time.
 * Context: may sleep. `counted` false keeps the timer out of the census
 * (docs/design.md §9: a grace period's wait is counted as `gp_rcu`).
 */
export async function sleepNs(k: Kernel, ns: number, what = 'schedule_timeout', counted = true): Promise<void> {
  if (!k.mightSleep(what)) return;
  if (!(ns >= 0)) throw new RangeError(`${what}: negative timeout`);
  // `as`: mightSleep() returned true, so we are in a task (it throws outside one and returns false in atomic context).
  const me = k.current as Task;
  const until = k.now + ns;
  const e = timerEntry(`${what} ${me.name}/${me.pid}`, me.cpu, () => k.wake(me));
  k.armTimer(e, until, counted);
  const target = timedTarget(what);
  while (k.now < until) await k.block(what, target);
  k.cancelTimer(e, counted);
}

/** `msleep()`: sleeps `ms` milliseconds of virtual time. Context: may sleep. */
export function msleep(k: Kernel, ms: number): Promise<void> {
  return sleepNs(k, ms * 1_000_000, 'msleep');
}

/** `usleep_range()`: sleeps `min` microseconds (quiesce takes the lower bound). Context: may sleep. */
export function usleepRange(k: Kernel, min: number, _max: number): Promise<void> {
  return sleepNs(k, min * 1000, 'usleep_range');
}
