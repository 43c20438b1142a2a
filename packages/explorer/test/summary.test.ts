import { describe, expect, it } from 'vitest';
import { summaryLine } from '../src/summary.js';

// A bound is proved only over schedules that all ran to completion
// (docs/design.md §5: a verdict is never falsely clean).
const base = {
  scenario: 'test',
  strategy: 'exhaustive' as const,
  seed: 1,
  bound: 2,
  stopAtFirst: true,
  schedules: 10,
  executed: 10,
  exhausted: true,
  stoppedBy: 'exhausted' as const,
  findings: [],
  jobs: 1,
  elapsedMs: 0,
};

describe('summaryLine for an exhaustive search', () => {
  it('says clean when every schedule completed', () => {
    expect(summaryLine({ ...base, incomplete: 0 })).toBe('explored all 10 schedules within bound 2: clean');
  });
  it('never says clean when some schedules did not complete', () => {
    const line = summaryLine({ ...base, incomplete: 3 });
    expect(line).toBe(
      'explored all 10 schedules within bound 2, 3 of them did not complete: no finding, bound not proved',
    );
    expect(line).not.toMatch(/clean/);
  });
});
