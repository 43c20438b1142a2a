import {
  CLOCK_MONOTONIC,
  HRTIMER_RESTART,
  HrTimer,
  HrtimerMode,
  hrtimerForwardNow,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { describe, expect, it } from 'vitest';
import { kernel } from './helpers.js';

describe('Kernel.exec with a periodic hrtimer', () => {
  // The timeout only guards against the old behaviour (exec spinning until maxSteps); it asserts nothing about speed.
  it('a probe that arms a periodic timer returns its value; the timer keeps firing under runFor', {
    timeout: 10_000,
  }, async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        at.push(k.now);
        hrtimerForwardNow(tm, 1000);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.REL,
      null,
    );
    const v = await k.exec('probe', () => {
      hrtimerStart(t, 1000, HrtimerMode.REL);
      return 'probed';
    });
    expect(v).toBe('probed');
    expect(at).toEqual([]);
    await k.runFor(3000);
    expect(at).toEqual([1000, 2000, 3000]);
  });
});
