// `kinds`: only findings of the named kinds count. A scenario whose every
// schedule files a WARN first and some schedules a use-after-remove after it
// (as the edu variants leak at unbind before the bad access) must be
// reported for the use-after-remove when that is what is asked for.
import { explore, findingKey, replay, type Scenario } from '@quiesce/explorer';
import { describe, expect, it } from 'vitest';
import { buggy } from '../scenarios/toy.mjs';

/** The toy race, preceded in every schedule by a WARN. */
const warnsFirst: Scenario = {
  name: 'warn-then-toy',
  setup(k) {
    k.spawn('noisy', () => {
      k.warn('noisy', 'always');
    });
    return (buggy as Scenario).setup(k);
  },
};

describe('kinds', () => {
  it('without kinds the first report (the WARN) is the finding, at schedule 0', async () => {
    const r = await explore(warnsFirst, { strategy: 'random', schedules: 50, shrink: false });
    expect(r.findings[0]?.finding.kind).toBe('warn');
    expect(r.findings[0]?.schedule).toBe(0);
    expect(r.kinds).toBeUndefined();
  });

  for (const strategy of ['random', 'pct', 'exhaustive'] as const) {
    it(`${strategy}: kinds [use-after-remove] skips the WARN and shrinks to the use-after-remove`, async () => {
      const r = await explore(warnsFirst, { strategy, schedules: 200, kinds: ['use-after-remove'] });
      const bug = r.findings[0];
      expect(bug?.finding.kind, r.summary).toBe('use-after-remove');
      expect(r.kinds).toEqual(['use-after-remove']);
      if (bug === undefined) return;
      const again = await replay(warnsFirst, bug.shrunk, { seed: bug.seed, key: findingKey(bug.finding) });
      expect(again.finding?.kind).toBe('use-after-remove');
      // The same schedules without the filter: that schedule also filed the WARN.
      expect(again.findings.map((f) => f.kind)).toContain('warn');
    });
  }

  it('a kind no schedule files leaves the exploration clean, and the summary says of what', async () => {
    const r = await explore(warnsFirst, { strategy: 'exhaustive', preemptions: 1, kinds: ['double-release'] });
    expect(r.findings).toEqual([]);
    expect(r.summary).toBe(`explored all ${r.schedules} schedules within bound 1: clean of double-release`);
  });

  it('rejects an empty list', async () => {
    await expect(explore(warnsFirst, { kinds: [] })).rejects.toThrow(RangeError);
  });
});
