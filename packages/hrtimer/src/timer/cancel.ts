/**
 * Emulates kernel/time/hrtimer.c.
 *
 * Cancelling: `hrtimer_try_to_cancel()` (never waits) and `hrtimer_cancel()`
 * (waits for a running callback, then cancels, until it succeeds).
 */
import type { Kernel, Task } from '@quiesce/core-devres';
import { hrtimerState } from './base.js';
import { type HrTimer, timerKernel } from './hrtimer.js';

/**
 * hrtimerTryToCancel - try to deactivate a timer.
 *
 * Context: any. Returns: 0 when the timer was not active; 1 when it was
 * queued and is now dequeued; -1 when its callback is running (on another
 * CPU, or this is the callback itself) and it could not be stopped — it is
 * then left as it is, queued or not.
 * Mirrors `hrtimer_try_to_cancel`.
 */
export function hrtimerTryToCancel(timer: HrTimer): -1 | 0 | 1 {
  const k = timerKernel(timer, 'hrtimer_try_to_cancel');
  const base = timer.base;
  const running = base !== null && base.running === timer;
  if (!running && timer.entry.heapIndex < 0) return 0;
  if (running) return -1;
  k.census?.countAll('spin_lock_irqsave', 'spin_unlock_irqrestore'); // lock_hrtimer_base()
  const removed = k.cancelTimer(timer.entry);
  if (removed && hrtimerState(k).tracing) k.trace('hrtimer_cancel', timer.name);
  return removed ? 1 : 0;
}

/**
 * hrtimerCancel - cancel a timer and wait for its callback to finish.
 *
 * Loops: try to cancel; while the callback is running, sleep until it ends
 * and try again. A re-arm made meanwhile (the callback returning RESTART or
 * calling `hrtimerStart`, or another context starting it) is cancelled by the
 * next try. When it resolves the timer is neither queued nor running.
 *
 * Context: may sleep (task). Returns: 0 if the timer was not active when the
 * successful try ran, 1 if that try dequeued it.
 * Mirrors `hrtimer_cancel`. Deliberate difference: the kernel spins
 * (`cpu_relax`) and so may be called from atomic context, except from the
 * timer's own callback (a deadlock); quiesce models the wait as a sleep, so
 * a call from atomic context is a `sleep-in-atomic` report, after which one
 * `hrtimerTryToCancel` is made and its result returned without waiting
 * (-1 if the callback is running: the case where the kernel would hang).
 */
export async function hrtimerCancel(timer: HrTimer): Promise<-1 | 0 | 1> {
  const k = timerKernel(timer, 'hrtimer_cancel');
  // lockdep: waiting for the callback takes its map, whether or not it runs now
  // (under a lock the callback takes, or from the callback itself: a report).
  k.lockdep?.touch(k.lockdep.classOf(`hrtimer ${timer.name}`), 'hrtimer_cancel');
  if (!k.mightSleep('hrtimer_cancel')) return hrtimerTryToCancel(timer);
  for (;;) {
    const ret = hrtimerTryToCancel(timer);
    if (ret >= 0) return ret;
    await waitRunning(k, timer);
  }
}

/** `hrtimer_cancel_wait_running`: sleeps until the running callback ends (woken by the expiry path). */
async function waitRunning(k: Kernel, timer: HrTimer): Promise<void> {
  const me = k.current as Task;
  if (timer.waiters === null) timer.waiters = [];
  timer.waiters.push(me);
  await k.block(`hrtimer_cancel ${timer.name}`);
}
