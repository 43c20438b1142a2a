/**
 * @quiesce/hrtimer: high-resolution timers on the simulated kernel clock,
 * with per-CPU timer bases; callbacks run in atomic context and their owner
 * is checked at every expiry. The devm-managed timer carries the
 * fence-on-remove contract.
 */

export { devmHrtimerSetup } from './lifecycle/devm.js';
export {
  CLOCK_BOOTTIME,
  CLOCK_MONOTONIC,
  CLOCK_REALTIME,
  CLOCK_TAI,
  ClockId,
  HRTIMER_MODE_ABS,
  HRTIMER_MODE_HARD,
  HRTIMER_MODE_PINNED,
  HRTIMER_MODE_REL,
  HRTIMER_MODE_SOFT,
  HRTIMER_NORESTART,
  HRTIMER_RESOLUTION_NS,
  HRTIMER_RESTART,
  HrtimerMode,
  HrtimerRestart,
  KTIME_MAX,
  ktimeAddSafe,
} from './mode.js';
export {
  HrtimerClockBase,
  HrtimerCpuBase,
  type HrtimerState,
  hrtimerClockBase,
  hrtimerState,
} from './timer/base.js';
export { hrtimerCancel, hrtimerTryToCancel } from './timer/cancel.js';
export { hrtimerForward, hrtimerForwardNow } from './timer/forward.js';
export { HrTimer, type HrtimerFn, type HrtimerSetupOptions } from './timer/hrtimer.js';
export {
  hrtimerActive,
  hrtimerAddExpiresNs,
  hrtimerCallbackRunning,
  hrtimerCbGetTime,
  hrtimerGetExpires,
  hrtimerGetRemaining,
  hrtimerGetSoftexpires,
  hrtimerIsQueued,
  hrtimerSetExpires,
  hrtimerSetExpiresRangeNs,
} from './timer/query.js';
export { hrtimerSetup } from './timer/setup.js';
export { hrtimerStart, hrtimerStartExpires, hrtimerStartRangeNs } from './timer/start.js';
