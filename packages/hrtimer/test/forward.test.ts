import type { Kernel } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  HRTIMER_NORESTART,
  HrTimer,
  HrtimerMode,
  hrtimerForward,
  hrtimerForwardNow,
  hrtimerGetExpires,
  hrtimerGetSoftexpires,
  hrtimerSetExpires,
  hrtimerSetExpiresRangeNs,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { describe, expect, it } from 'vitest';
import { kernel, reportsOf } from './helpers.js';

function idle(k: Kernel, expiry: number): HrTimer {
  const t = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS, null);
  hrtimerSetExpires(t, expiry);
  return t;
}

describe('hrtimer_forward', () => {
  it('KERNEL-SEMANTICS example: expiry 100, now 135, interval 10 → 4 overruns, expiry 140', () => {
    const k = kernel();
    const t = idle(k, 100);
    expect(hrtimerForward(t, 135, 10)).toBe(4);
    expect(hrtimerGetExpires(t)).toBe(140);
  });

  it('now before the expiry → 0, expiry unchanged', () => {
    const k = kernel();
    const t = idle(k, 100);
    expect(hrtimerForward(t, 99, 10)).toBe(0);
    expect(hrtimerGetExpires(t)).toBe(100);
  });

  it('now equal to the expiry → 1 (expiry must end strictly after now)', () => {
    const k = kernel();
    const t = idle(k, 100);
    expect(hrtimerForward(t, 100, 10)).toBe(1);
    expect(hrtimerGetExpires(t)).toBe(110);
  });

  it('delta an exact multiple of the interval: one more overrun so that expiry > now', () => {
    const k = kernel();
    const t = idle(k, 100);
    // delta 40 = 4 intervals → expiry 140 == now, so 5 and 150.
    expect(hrtimerForward(t, 140, 10)).toBe(5);
    expect(hrtimerGetExpires(t)).toBe(150);
  });

  it('delta below one interval → 1', () => {
    const k = kernel();
    const t = idle(k, 100);
    expect(hrtimerForward(t, 105, 10)).toBe(1);
    expect(hrtimerGetExpires(t)).toBe(110);
  });

  it('an interval below the resolution is raised to 1 ns', () => {
    const k = kernel();
    const t = idle(k, 100);
    expect(hrtimerForward(t, 103, 0)).toBe(4);
    expect(hrtimerGetExpires(t)).toBe(104);
  });

  it('moves soft and hard expiry together (slack is kept)', () => {
    const k = kernel();
    const t = idle(k, 0);
    hrtimerSetExpiresRangeNs(t, 100, 5);
    // delta from the hard expiry 105: now 135 → 30/10 = 3, hard 135 == now → 4; hard 145, soft 140.
    expect(hrtimerForward(t, 135, 10)).toBe(4);
    expect(hrtimerGetExpires(t)).toBe(145);
    expect(hrtimerGetSoftexpires(t)).toBe(140);
  });

  it('on a queued timer warns and returns 0, expiry unchanged', () => {
    const k = kernel();
    const t = idle(k, 0);
    hrtimerStart(t, 100, HrtimerMode.ABS);
    expect(hrtimerForward(t, 135, 10)).toBe(0);
    expect(hrtimerGetExpires(t)).toBe(100);
    expect(reportsOf(k, 'warn')).toHaveLength(1);
  });

  it('on a queued timer with now before expiry returns 0 without a warning (the kernel checks delta first)', () => {
    const k = kernel();
    const t = idle(k, 0);
    hrtimerStart(t, 100, HrtimerMode.ABS);
    expect(hrtimerForward(t, 50, 10)).toBe(0);
    expect(reportsOf(k, 'warn')).toHaveLength(0);
  });

  it('hrtimer_forward_now uses the clock', async () => {
    const k = kernel();
    const t = idle(k, 100);
    await k.runFor(1234);
    expect(hrtimerForwardNow(t, 100)).toBe(12);
    expect(hrtimerGetExpires(t)).toBe(1300);
  });

  it('large values stay exact', () => {
    const k = kernel();
    const t = idle(k, 1_000_000_007);
    const now = 86_400_000_000_000; // one day in ns
    const interval = 1_000_003;
    const delta = now - 1_000_000_007;
    const n = Math.floor(delta / interval) + 1;
    expect(hrtimerForward(t, now, interval)).toBe(n);
    expect(hrtimerGetExpires(t)).toBe(1_000_000_007 + n * interval);
    expect(hrtimerGetExpires(t)).toBeGreaterThan(now);
    expect(hrtimerGetExpires(t) - interval).toBeLessThanOrEqual(now);
  });
});
