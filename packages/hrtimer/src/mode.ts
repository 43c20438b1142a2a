/**
 * The constants of include/linux/hrtimer_defs.h / hrtimer.h: `enum
 * hrtimer_mode` (bit flags, same values as the kernel), `enum
 * hrtimer_restart`, the clock ids, and `KTIME_MAX`.
 */

/** `enum hrtimer_mode`: ABS/REL in bit 0, then the PINNED, SOFT and HARD flags. */
export const HrtimerMode = {
  ABS: 0x00,
  REL: 0x01,
  PINNED: 0x02,
  SOFT: 0x04,
  HARD: 0x08,
  ABS_PINNED: 0x02,
  REL_PINNED: 0x03,
  ABS_SOFT: 0x04,
  REL_SOFT: 0x05,
  ABS_PINNED_SOFT: 0x06,
  REL_PINNED_SOFT: 0x07,
  ABS_HARD: 0x08,
  REL_HARD: 0x09,
  ABS_PINNED_HARD: 0x0a,
  REL_PINNED_HARD: 0x0b,
} as const;

/** A mode: any OR of the {@link HrtimerMode} bits. */
export type HrtimerMode = number;

export const HRTIMER_MODE_ABS = HrtimerMode.ABS;
export const HRTIMER_MODE_REL = HrtimerMode.REL;
export const HRTIMER_MODE_PINNED = HrtimerMode.PINNED;
export const HRTIMER_MODE_SOFT = HrtimerMode.SOFT;
export const HRTIMER_MODE_HARD = HrtimerMode.HARD;

/** `enum hrtimer_restart`: what a callback returns. */
export const HrtimerRestart = {
  /** The timer is not restarted. */
  NORESTART: 0,
  /** The timer is re-queued at its (possibly forwarded) expiry. */
  RESTART: 1,
} as const;

export type HrtimerRestart = (typeof HrtimerRestart)[keyof typeof HrtimerRestart];

export const HRTIMER_NORESTART: HrtimerRestart = HrtimerRestart.NORESTART;
export const HRTIMER_RESTART: HrtimerRestart = HrtimerRestart.RESTART;

/**
 * POSIX clock ids an hrtimer may be set up on (include/uapi/linux/time.h).
 * Deliberate difference: every clock reads the one virtual clock (`k.now`);
 * there is no wall-clock offset, no suspend time and no TAI offset.
 */
export const ClockId = {
  REALTIME: 0,
  MONOTONIC: 1,
  BOOTTIME: 7,
  TAI: 11,
} as const;

export type ClockId = number;

export const CLOCK_REALTIME = ClockId.REALTIME;
export const CLOCK_MONOTONIC = ClockId.MONOTONIC;
export const CLOCK_BOOTTIME = ClockId.BOOTTIME;
export const CLOCK_TAI = ClockId.TAI;

/**
 * `KTIME_MAX`. Deliberate difference: times are JS numbers (ns), so the
 * saturation point is `Number.MAX_SAFE_INTEGER` (~104 days), not 2^63-1.
 */
export const KTIME_MAX = Number.MAX_SAFE_INTEGER;

/** `hrtimer_resolution` with high resolution enabled: 1 ns. */
export const HRTIMER_RESOLUTION_NS = 1;

/** `ktime_add_safe()`: a sum that saturates at {@link KTIME_MAX} instead of overflowing. */
export function ktimeAddSafe(a: number, b: number): number {
  const s = a + b;
  return Math.min(s, KTIME_MAX);
}
