import { CLOCK_MONOTONIC, HrTimer, HrtimerMode, hrtimerSetup, hrtimerStart } from '@quiesce/hrtimer';
import { describe, expect, it } from 'vitest';
import { kernel } from './helpers.js';

describe('fidelity: hrtimer_setup with a NULL callback', () => {
  it('WARN_ON_ONCE and a dummy callback: the timer fires and does nothing; a second NULL setup does not warn again', async () => {
    const k = kernel();
    const a = hrtimerSetup(k, new HrTimer(), null, CLOCK_MONOTONIC, HrtimerMode.REL, null);
    const b = hrtimerSetup(k, new HrTimer(), null, CLOCK_MONOTONIC, HrtimerMode.REL, null);
    hrtimerStart(a, 1000, HrtimerMode.REL);
    hrtimerStart(b, 2000, HrtimerMode.REL);
    await k.run();
    expect(k.now).toBe(2000);
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
    expect(k.reports[0]?.detail).toContain('WARN_ON_ONCE(!fn)');
  });

  it('a callback that is not a function is a TypeError', () => {
    const k = kernel();
    expect(() => hrtimerSetup(k, new HrTimer(), 7 as never, CLOCK_MONOTONIC, HrtimerMode.REL, null)).toThrow(
      /hrtimer_setup: function must be a function or null/,
    );
  });
});
