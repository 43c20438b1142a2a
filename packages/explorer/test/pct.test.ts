import { explore } from '@quiesce/explorer';
import { describe, expect, it } from 'vitest';
import { depth1, depth2, depth3 } from './pct-worlds.js';

/**
 * PCT's guarantee (Burckhardt et al., ASPLOS 2010, Theorem 1): with n
 * threads and k steps, one run finds a bug of depth d with probability at
 * least 1/(n·k^(d−1)). Over a fixed range of seeds the measured hit rate
 * must reach that bound (seeds are fixed, so the test is deterministic).
 * n counts the tasks; k is the step estimate PCT drew its change points
 * over (result.pctSteps, the decisions of a fifo run).
 */
const SCHEDULES = 2000;

describe('PCT keeps its promise on bugs of known depth', () => {
  for (const [d, sc, n] of [
    [1, depth1(), 3],
    [2, depth2(), 3],
    [3, depth3(), 3],
  ] as const) {
    it(`depth ${d}: hit rate ≥ 1/(n·k^(d−1))`, async () => {
      const r = await explore(sc, {
        strategy: 'pct',
        depth: d,
        schedules: SCHEDULES,
        stopAtFirst: false,
        shrink: false,
      });
      const k = r.pctSteps as number;
      expect(k).toBeGreaterThan(1);
      const hits = r.findings.find((f) => f.finding.kind === 'oops')?.occurrences ?? 0;
      const bound = 1 / (n * k ** (d - 1));
      expect(hits / SCHEDULES).toBeGreaterThanOrEqual(bound);
      expect(r.findings.every((f) => f.finding.kind === 'oops')).toBe(true);
    });
  }

  it('a bug deeper than the depth searched for is found less often than with the right depth', async () => {
    const sc = depth2();
    const shallow = await explore(sc, { strategy: 'pct', depth: 1, schedules: 500, stopAtFirst: false, shrink: false });
    const right = await explore(sc, { strategy: 'pct', depth: 2, schedules: 500, stopAtFirst: false, shrink: false });
    // Depth 1 has no change point: the highest-priority task runs to its end,
    // so B can never run in the middle of A.
    expect(shallow.findings).toEqual([]);
    expect(right.findings[0]?.occurrences ?? 0).toBeGreaterThan(0);
  });
});
