/**
 * Emulates kernel/time/hrtimer.c.
 *
 * Arming: `hrtimer_start_range_ns()` and its wrappers.
 *
 * `hrtimer_start` on a queued timer restarts it (dequeue, then enqueue at the
 * new expiry). On a timer whose callback is running it queues the timer
 * while the callback goes on; the timer then does not migrate to another
 * CPU's base (as `switch_hrtimer_base` refuses to move a running timer).
 */
import { badArg, checkIntRange, checkNs, fenceRefuses, type Kernel, runningKernel } from '@quiesce/core-devres';
import { HrtimerMode, ktimeAddSafe } from '../mode.js';
import { hrtimerClockBase, hrtimerState, thisCpu } from './base.js';
import { HrTimer, timerKernel } from './hrtimer.js';
import { trackIfBinding } from './track.js';

const warnedNoFunction = new WeakSet<Kernel>();

/**
 * `if (WARN_ON_ONCE(!timer->function)) return;`: a timer never set up has no
 * callback. It belongs to no kernel yet, so the WARN goes to the kernel the
 * caller runs in (core `runningKernel`: the innermost running one); returns
 * false when none is running (the caller then throws, as for any use before
 * setup).
 */
function warnNeverSetUp(timer: HrTimer): boolean {
  const k = runningKernel();
  if (k === null) return false;
  if (!warnedNoFunction.has(k)) {
    warnedNoFunction.add(k);
    k.warn(`hrtimer ${timer.name}`, 'kernel/time/hrtimer.c: hrtimer_start_range_ns: WARN_ON_ONCE(!timer->function)');
  }
  return true;
}

/**
 * hrtimerStartRangeNs - (re)start an hrtimer.
 * @param timer a set-up timer.
 * @param tim expiry (ns): absolute with `HRTIMER_MODE_ABS`, relative to now with REL.
 * @param deltaNs slack: the hard expiry is `tim + deltaNs`.
 * @param mode ABS or REL, plus PINNED; the SOFT bit must match the setup
 *   mode (a mismatch is a one-time `WARN_ON_ONCE`, as with `CONFIG_PREEMPT_RT=n`).
 *
 * Context: any (atomic included). Returns: nothing.
 * Mirrors `hrtimer_start_range_ns`. Deliberate differences: the callback
 * always runs at the soft expiry (the earliest point of the slack range,
 * which the kernel may also pick: quiesce does not coalesce timers, so slack
 * has no effect beyond `hrtimerGetExpires`); the timer goes on the caller's
 * CPU base whether PINNED or not (the kernel may move a non-pinned timer to
 * a busy CPU under NOHZ timer migration, which is not modelled). A timer
 * whose devm fence has started is not armed (core `fenceRefuses`): quietly
 * during the fence, as a `callback-after-fence` report after it. A timer
 * never set up is the kernel's `WARN_ON_ONCE(!timer->function)` and is not
 * armed; outside a running kernel (nowhere to warn) it is a TypeError.
 */
export function hrtimerStartRangeNs(timer: HrTimer, tim: number, deltaNs: number, mode: HrtimerMode): void {
  if (!(timer instanceof HrTimer)) throw badArg('hrtimer_start_range_ns', 'timer', 'an HrTimer', timer);
  // Validate everything before anything changes or is reported (docs/validation.md).
  checkNs('hrtimer_start_range_ns', 'tim', tim);
  checkNs('hrtimer_start_range_ns', 'delta_ns', deltaNs);
  checkIntRange('hrtimer_start_range_ns', 'mode', mode, 0, 0xff);
  if (timer.kernel === null && warnNeverSetUp(timer)) return;
  const k = timerKernel(timer, 'hrtimer_start_range_ns');
  const base = timer.base;
  if (base === null) throw new TypeError('hrtimer_start_range_ns: timer must have a clock base, got one without');
  const st = hrtimerState(k);
  if (((mode & HrtimerMode.SOFT) !== 0) !== timer.isSoft && !st.warnedSoftMismatch) {
    st.warnedSoftMismatch = true;
    k.warn(
      `hrtimer ${timer.name}`,
      'kernel/time/hrtimer.c: hrtimer_start_range_ns: WARN_ON_ONCE(!(mode & HRTIMER_MODE_SOFT) ^ !timer->is_soft)',
    );
  }
  // The devm fence's refusal (and, after the fence, its callback-after-fence report).
  if (fenceRefuses(timer.fence, 'hrtimer_start')) return;
  if ((mode & HrtimerMode.REL) !== 0) tim = ktimeAddSafe(tim, k.now);
  timer.softexpires = tim;
  timer.expires = ktimeAddSafe(tim, Math.max(deltaNs, 0));
  if (base.running !== timer) {
    const cpu = thisCpu(k);
    if (cpu !== base.cpu) {
      // Migration: only an idle (not queued, not running) entry may change CPU.
      k.cancelTimer(timer.entry);
      timer.base = hrtimerClockBase(k, cpu, timer.isSoft);
      timer.entry.cpu = cpu;
    }
  }
  k.census?.countAll('spin_lock_irqsave', 'spin_unlock_irqrestore'); // lock_hrtimer_base()
  k.armTimer(timer.entry, tim);
  if (st.tracing)
    k.trace('hrtimer_start', `${timer.name} expires=${tim} cpu=${timer.entry.cpu} mode=0x${mode.toString(16)}`);
  trackIfBinding(k, timer);
}

/**
 * hrtimerStart - (re)start an hrtimer with no slack.
 * Context: any. Mirrors `hrtimer_start(timer, tim, mode)`; see {@link hrtimerStartRangeNs}.
 */
export function hrtimerStart(timer: HrTimer, tim: number, mode: HrtimerMode): void {
  hrtimerStartRangeNs(timer, tim, 0, mode);
}

/**
 * hrtimerStartExpires - (re)start at the expiry already set (by
 * `hrtimerSetExpires`/`hrtimerForward`); pass an ABS mode.
 * Context: any. Mirrors `hrtimer_start_expires(timer, mode)`.
 */
export function hrtimerStartExpires(timer: HrTimer, mode: HrtimerMode): void {
  const soft = timer.softexpires;
  hrtimerStartRangeNs(timer, soft, timer.expires - soft, mode);
}
