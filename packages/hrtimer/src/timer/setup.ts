/**
 * Emulates kernel/time/hrtimer.c.
 *
 * `hrtimer_setup()`: binds a timer to a callback, a clock and a base.
 */
import {
  captureStack,
  checkIntRange,
  checkKernel,
  type Kernel,
  type Owner,
  orNull,
  timerEntry,
} from '@quiesce/core-devres';
import {
  CLOCK_BOOTTIME,
  CLOCK_MONOTONIC,
  CLOCK_REALTIME,
  CLOCK_TAI,
  type ClockId,
  HRTIMER_NORESTART,
  HrtimerMode,
  type HrtimerRestart,
} from '../mode.js';
import { hrtimerClockBase, thisCpu } from './base.js';
import { expireHrtimer } from './expire.js';
import type { HrTimer, HrtimerFn, HrtimerSetupOptions } from './hrtimer.js';
import { trackIfBinding } from './track.js';

/**
 * hrtimerSetup - initialise a timer to the given clock.
 * @param k the kernel the timer lives in.
 * @param timer the timer (a fresh `new HrTimer()` or a subclass, or one to re-initialise).
 * @param fn the callback: `(timer) => HRTIMER_RESTART | HRTIMER_NORESTART`, atomic context.
 * @param clockId `CLOCK_MONOTONIC`, `CLOCK_REALTIME`, `CLOCK_BOOTTIME` or `CLOCK_TAI`;
 *   an invalid id warns "Invalid clockid N. Using MONOTONIC", as the kernel.
 *   REALTIME with a REL mode becomes MONOTONIC (the kernel's POSIX fix-up).
 * @param mode `HrtimerMode`: SOFT picks the softirq base; PINNED is ignored
 *   here (pinning happens at start), as in the kernel.
 * @param owner the module owning `fn` (`THIS_MODULE`), null for built-in;
 *   checked at every expiry.
 * @param opts quiesce options (`callbackSpanNs`).
 *
 * Context: any. Returns: `timer`.
 * Mirrors `hrtimer_setup(timer, function, clock_id, mode)`. Deliberate
 * differences: the owner is passed explicitly (the kernel derives the module
 * from the function's address); the timer is put on the setup CPU's base as
 * the kernel does; setting up a timer that is still active warns (as
 * debugobjects' "init active" does) and dequeues it (the fix-up cancels it).
 * A timer set up while a device is probing is tracked for the leak check.
 */
export function hrtimerSetup<T extends HrTimer>(
  k: Kernel,
  timer: T,
  fn: HrtimerFn<T> | null,
  clockId: ClockId,
  mode: HrtimerMode,
  owner: Owner,
  opts: HrtimerSetupOptions = {},
): T {
  checkKernel('hrtimer_setup', k);
  initTimer(k, timer, fn, clockId, mode, owner, opts);
  trackIfBinding(k, timer);
  return timer;
}

/** `hrtimer_dummy_timeout()`: the callback of a timer set up without one. Context: atomic. */
export function hrtimerDummyTimeout(): HrtimerRestart {
  return HRTIMER_NORESTART;
}

const warnedNullFn = new WeakSet<Kernel>();

function warnNullFnOnce(k: Kernel): void {
  if (warnedNullFn.has(k)) return;
  warnedNullFn.add(k);
  k.warn('hrtimer', 'WARN_ON_ONCE(!fn) in hrtimer_setup: NULL callback, using hrtimer_dummy_timeout');
}

/** @internal `hrtimerSetup` without the leak tracking (devm tracks the timer as managed instead). */
export function initTimer<T extends HrTimer>(
  k: Kernel,
  timer: T,
  fn: HrtimerFn<T> | null,
  clockId: ClockId,
  mode: HrtimerMode,
  owner: Owner,
  opts: HrtimerSetupOptions,
): void {
  checkIntRange('hrtimer_setup', 'mode', mode, 0, 0xff);
  if (fn === null || fn === undefined) {
    // WARN_ON_ONCE(!fn) in __hrtimer_setup: the timer gets a dummy callback that does nothing.
    warnNullFnOnce(k);
    fn = hrtimerDummyTimeout;
  } else if (typeof fn !== 'function') {
    throw new TypeError(`hrtimer_setup: function must be a function or null, got ${String(fn)}`);
  }
  const span = opts.callbackSpanNs ?? 0;
  if (!(span >= 0 && Number.isFinite(span)))
    throw new RangeError('hrtimer_setup: callbackSpanNs must be a finite number ≥ 0');
  if (timer.kernel !== null && (timer.entry.heapIndex >= 0 || timer.base?.running === timer)) {
    timer.kernel.warn(
      `hrtimer ${timer.name}`,
      `ODEBUG: init active (active state 0) object: hrtimer hint: ${timer.name}`,
    );
    timer.kernel.cancelTimer(timer.entry);
  }
  let clock = clockId;
  if (clock !== CLOCK_REALTIME && clock !== CLOCK_MONOTONIC && clock !== CLOCK_BOOTTIME && clock !== CLOCK_TAI) {
    k.warn('hrtimer', `Invalid clockid ${clock}. Using MONOTONIC`);
    clock = CLOCK_MONOTONIC;
  }
  if (clock === CLOCK_REALTIME && (mode & HrtimerMode.REL) !== 0) clock = CLOCK_MONOTONIC;
  const soft = (mode & HrtimerMode.SOFT) !== 0;
  const base = hrtimerClockBase(k, thisCpu(k), soft);
  timer.kernel = k;
  timer.fn = fn as unknown as HrtimerFn;
  timer.owner = orNull(owner); // undefined is C's NULL: built-in
  timer.clockId = clock;
  timer.isSoft = soft;
  timer.isHard = (mode & HrtimerMode.HARD) !== 0;
  timer.softexpires = 0;
  timer.expires = 0;
  timer.base = base;
  timer.fence = null;
  timer.trackedBinding = null;
  timer.callbackSpanNs = span;
  timer.registeredStack = captureStack(k.sanitizer.mode, 3);
  timer.entry = timerEntry(`hrtimer ${timer.name}`, base.cpu, () => expireHrtimer(timer));
  k.trace('hrtimer_setup', `${timer.name} clock=${clock} mode=0x${mode.toString(16)} cpu=${base.cpu}`);
}
