// enum hrtimer_mode (include/linux/hrtimer.h): the bits and their combinations.
import {
  HRTIMER_MODE_ABS,
  HRTIMER_MODE_HARD,
  HRTIMER_MODE_PINNED,
  HRTIMER_MODE_REL,
  HRTIMER_MODE_SOFT,
  HrtimerMode,
} from '@quiesce/hrtimer';
import { describe, expect, it } from 'vitest';

describe('hrtimer_mode', () => {
  it('ABS 0, REL 1, PINNED 2, SOFT 4, HARD 8', () => {
    expect([HRTIMER_MODE_ABS, HRTIMER_MODE_REL, HRTIMER_MODE_PINNED, HRTIMER_MODE_SOFT, HRTIMER_MODE_HARD]).toEqual([
      0, 1, 2, 4, 8,
    ]);
  });

  it('the combined modes are the OR of their parts', () => {
    expect(HrtimerMode.REL_PINNED).toBe(HRTIMER_MODE_REL | HRTIMER_MODE_PINNED);
    expect(HrtimerMode.ABS_PINNED_SOFT).toBe(HRTIMER_MODE_PINNED | HRTIMER_MODE_SOFT);
    expect(HrtimerMode.REL_PINNED_HARD).toBe(HRTIMER_MODE_REL | HRTIMER_MODE_PINNED | HRTIMER_MODE_HARD);
  });
});
