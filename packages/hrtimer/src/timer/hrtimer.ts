/**
 * Emulates include/linux/hrtimer_types.h (the struct; its code is in
 * kernel/time/hrtimer.c).
 *
 * `struct hrtimer`: a high-resolution timer owned by the caller (embedded in
 * driver data in C; here an object the driver keeps, or subclasses to reach
 * its data from the callback as `container_of` does).
 *
 * State, as the kernel keeps it:
 * - queued: the entry is armed on the kernel's timer queue
 *   (`HRTIMER_STATE_ENQUEUED`), i.e. `entry.heapIndex >= 0`;
 * - running: `base.running === this` while the callback runs, including the
 *   optional occupied span after its body (see `callbackSpanNs`);
 * - active = queued or running.
 *
 * Fields marked internal are written only by this package's functions.
 */
import type { Fence, Kernel, Owner, Task, TimerEntry } from '@quiesce/core-devres';
import { badArg, timerEntry } from '@quiesce/core-devres';
import { CLOCK_MONOTONIC, type ClockId, HRTIMER_NORESTART, type HrtimerRestart } from '../mode.js';
import type { HrtimerClockBase } from './base.js';

/** An hrtimer callback: atomic context, returns RESTART or NORESTART. */
export type HrtimerFn<T extends HrTimer = HrTimer> = (timer: T) => HrtimerRestart;

/** Per-timer options of `hrtimerSetup` (quiesce additions, no kernel equivalent). */
export interface HrtimerSetupOptions {
  /**
   * Virtual time (ns) the callback stays "running" on its CPU after its body
   * returns: other CPUs then see `hrtimerCallbackRunning()` true,
   * `hrtimerTryToCancel()` returns -1 and `hrtimerCancel()` waits. A RESTART
   * re-enqueue happens at the end of the span. Default 0 (instantaneous).
   */
  callbackSpanNs?: number;
}

/** Placeholder callback of a timer that was never set up. */
function hrtimerDummyTimeout(): HrtimerRestart {
  return HRTIMER_NORESTART;
}

export class HrTimer {
  /** @internal The kernel the timer was set up on; null before `hrtimerSetup`. */
  kernel: Kernel | null = null;
  /** @internal The callback (`timer->function`). */
  fn: HrtimerFn = hrtimerDummyTimeout;
  /** @internal Owning module of the callback (`THIS_MODULE`), checked at expiry. */
  owner: Owner = null;
  /** @internal Where the timer was set up (sanitizer stack). */
  registeredStack: string | undefined = undefined;
  /** @internal `_softexpires`: the earliest the callback may run (ns). */
  softexpires = 0;
  /** @internal `node.expires`: the hard expiry (ns), `softexpires + slack`. */
  expires = 0;
  /** @internal The clock base the timer sits on (`timer->base`). */
  base: HrtimerClockBase | null = null;
  /** @internal Its entry on the kernel's timer queue. */
  entry: TimerEntry = timerEntry('hrtimer (not set up)', 0, () => undefined);
  /** @internal The devm fence (null for an unmanaged timer): while it is closed every start is refused. */
  fence: Fence | null = null;
  /** @internal Tasks waiting in `hrtimerCancel` for the running callback. */
  waiters: Task[] | null = null;
  /** @internal The binding (bound-device token, else device) the timer is tracked against for the leak check. */
  trackedBinding: object | null = null;
  /** The clock id (`CLOCK_MONOTONIC`…), after the kernel's REALTIME+REL fix-up. */
  clockId: ClockId = CLOCK_MONOTONIC;
  /** Expires in softirq context (`timer->is_soft`). */
  isSoft = false;
  /** Set up with `HRTIMER_MODE_HARD` (`timer->is_hard`). */
  isHard = false;
  /** See {@link HrtimerSetupOptions.callbackSpanNs}. May be changed at any time; read at each expiry. */
  callbackSpanNs = 0;
  /** Callbacks dispatched (skipped execute-after-free dispatches not counted). */
  expiries = 0;

  /** Name for traces and reports: the callback's function name. */
  get name(): string {
    return this.fn.name || '(anonymous)';
  }

  /** The CPU whose base holds the timer. */
  get cpu(): number {
    return this.base === null ? 0 : this.base.cpu;
  }

  /** True once its devm fence has started: starts and restarts are refused from then on. */
  get isFenced(): boolean {
    return this.fence?.closed === true;
  }
}

/** The kernel of a set-up timer; throws for a timer that was never set up (the kernel would oops). */
export function timerKernel(timer: HrTimer, what: string): Kernel {
  if (!(timer instanceof HrTimer)) throw badArg(what, 'timer', 'an HrTimer', timer);
  const k = timer.kernel;
  if (k === null) throw new TypeError(`${what}: timer used before hrtimer_setup()`);
  return k;
}
