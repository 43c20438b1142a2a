/**
 * Emulates kernel/time/hrtimer.c.
 *
 * The expiry path (`__run_hrtimer` in kernel/time/hrtimer.c).
 *
 * Order, as the kernel's:
 * 1. The entry is already off the queue (the kernel dequeues a due entry
 *    before calling it); the timer is marked running on its base, so it is
 *    "running and inactive" at once (no window where it looks idle).
 * 2. The owner check (`callbackRunnable`): a callback whose module text is
 *    gone is not called (an `execute-after-free` report) and counts as
 *    NORESTART.
 * 3. The callback runs in hardirq context (softirq for SOFT timers) on the
 *    base's CPU.
 * 4. If the timer has a `callbackSpanNs`, the CPU stays busy for that span
 *    and steps 5-6 happen at its end (other CPUs see the callback running).
 * 5. RESTART and not already queued (the callback did not call
 *    `hrtimer_start` itself): re-queue at the current expiry. A callback that
 *    started the timer itself stays queued whatever it returned. If the
 *    timer's devm fence closed meanwhile (unbind during the span), the
 *    restart is refused.
 * 6. `base->running` is cleared and `hrtimer_cancel` waiters are woken.
 */
import { callbackRunnable, fenceRefuses, type Kernel } from '@quiesce/core-devres';
import { HRTIMER_NORESTART, type HrtimerRestart } from '../mode.js';
import { type HrtimerClockBase, hrtimerState } from './base.js';
import type { HrTimer } from './hrtimer.js';

/** The `fire` of a timer's queue entry: dispatches the callback in atomic context on the base's CPU. */
export function expireHrtimer(timer: HrTimer): void {
  const k = timer.kernel as Kernel;
  const base = timer.base as HrtimerClockBase;
  k.runAtomic(timer.isSoft ? 'softirq' : 'hardirq', base.cpu, timer.entry.label, () => runHrtimer(k, timer, base));
}

function runHrtimer(k: Kernel, timer: HrTimer, base: HrtimerClockBase): void {
  // hrtimer_interrupt() holds cpu_base->lock, which __run_hrtimer() drops around the callback.
  k.census?.countAll('spin_lock_irqsave', 'spin_unlock_irqrestore', 'spin_lock_irqsave', 'spin_unlock_irqrestore');
  base.running = timer;
  base.cpuBase.nrEvents++;
  const tracing = hrtimerState(k).tracing;
  if (tracing) k.trace('hrtimer_expire_entry', `${timer.name} now=${k.now} expires=${timer.softexpires}`);
  const fn = timer.fn;
  let restart: HrtimerRestart = HRTIMER_NORESTART;
  if (callbackRunnable(k, timer.owner, fn.name, 'hrtimer', timer.registeredStack)) {
    timer.expiries++;
    // lockdep: the callback "holds" the timer's map, which hrtimer_cancel takes (docs/design.md §5).
    const ld = k.lockdep;
    const map = ld === null ? null : ld.classOf(`hrtimer ${timer.name}`);
    if (map !== null) ld?.acquire(map, `__run_hrtimer ${timer.name}`);
    try {
      restart = fn(timer);
    } catch (e) {
      // An oops in the callback: leave the timer idle and coherent, then let it propagate.
      finishHrtimer(k, timer, base, HRTIMER_NORESTART, tracing);
      throw e;
    } finally {
      if (map !== null) ld?.release(map);
    }
  }
  const span = timer.callbackSpanNs;
  if (span > 0) {
    k.occupyCpu(base.cpu, span, timer.entry.label, () => finishHrtimer(k, timer, base, restart, tracing));
  } else {
    finishHrtimer(k, timer, base, restart, tracing);
  }
}

function finishHrtimer(
  k: Kernel,
  timer: HrTimer,
  base: HrtimerClockBase,
  restart: HrtimerRestart,
  tracing: boolean,
): void {
  // Any value other than NORESTART restarts, as `restart != HRTIMER_NORESTART` in the kernel.
  // A devm fence that closed while the callback ran refuses the restart (asked last: only a real re-arm counts).
  if (
    restart !== HRTIMER_NORESTART &&
    timer.entry.heapIndex < 0 &&
    timer.base === base &&
    !fenceRefuses(timer.fence, 'HRTIMER_RESTART')
  ) {
    k.armTimer(timer.entry, timer.softexpires);
  }
  base.running = null;
  if (tracing) k.trace('hrtimer_expire_exit', timer.name);
  const w = timer.waiters;
  if (w !== null) {
    timer.waiters = null;
    for (const t of w) k.wake(t);
  }
}
