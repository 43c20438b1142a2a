import { type ExploreResult, explore, findingKey, nextPrefix, replay } from '@quiesce/explorer';
import { describe, expect, it } from 'vitest';
import { buggy, fenced, misordered, toyScenario } from '../scenarios/toy.mjs';
import { abba, nullDeref, spinner, twoBars, twoYielders } from './scenarios.js';

/** Everything but wall-clock timings. */
function stable(r: ExploreResult): unknown {
  return { ...r, elapsedMs: 0 };
}

describe('random and PCT find the toy race', () => {
  for (const [label, sc] of [
    ['buggy', buggy],
    ['misordered', misordered],
  ] as const) {
    for (const strategy of ['random', 'pct'] as const) {
      it(`${strategy} finds ${label} within 1,000 schedules and the shrunk list replays`, async () => {
        const r = await explore(sc, { strategy, schedules: 1000 });
        expect(r.stoppedBy).toBe('finding');
        expect(r.findings).toHaveLength(1);
        const bug = r.findings[0];
        if (bug === undefined) throw new Error('unreachable');
        expect(bug.finding.kind).toBe('use-after-remove');
        expect(bug.finding.resource).toBe('toy BAR0');
        expect(bug.finding.context.kind).toBe('softirq');
        expect(r.schedules).toBe(bug.schedule + 1);
        expect(bug.seed).toBe(1 + bug.schedule);
        // Shrinking never makes it worse, in (preemptions, length).
        expect(bug.shrunkPreemptions).toBeLessThanOrEqual(bug.preemptions);
        if (bug.shrunkPreemptions === bug.preemptions) {
          expect(bug.shrunk.length).toBeLessThanOrEqual(bug.decisions.length);
        }
        // Both lists replay to the same bug; the shrunk one exactly to the reported finding.
        const again = await replay(sc, bug.shrunk, { seed: bug.seed });
        expect(again.finding).toEqual(bug.finding);
        expect(again.text).toBe(bug.text);
        const orig = await replay(sc, bug.decisions, { seed: bug.seed });
        expect(orig.findings.map(findingKey)).toContain(findingKey(bug.finding));
      });
    }
  }

  it('the trace excerpt ends at the bad access and shows the free before it', async () => {
    const r = await explore(buggy, { strategy: 'random', traceEvents: 30 });
    const bug = r.findings[0];
    if (bug === undefined) throw new Error('no finding');
    const t = bug.trace;
    expect(t.events.length).toBeLessThanOrEqual(30);
    const lines = t.text.split('\n');
    expect(lines.at(-1)).toContain('BUG: KASAN: use-after-remove in readl');
    expect(lines.at(-1)).toContain('softirq hrtimer toy_poll');
    const rel = t.events.findIndex((e) => e.ev === 'release' && e.detail === 'toy BAR0');
    const fire = t.events.findIndex((e) => e.ev === 'fire' && e.detail === 'hrtimer toy_poll');
    expect(rel).toBeGreaterThanOrEqual(0);
    expect(fire).toBeGreaterThan(rel);
    expect(t.events.at(-1)?.ev).toBe('fire');
  });

  it('the result is deterministic for a schedule budget', async () => {
    const a = await explore(misordered, { strategy: 'pct', depth: 2, stopAtFirst: false, schedules: 200 });
    const b = await explore(misordered, { strategy: 'pct', depth: 2, stopAtFirst: false, schedules: 200 });
    expect(stable(a)).toEqual(stable(b));
    expect(a.schedules).toBe(200);
  });
});

describe('the fenced toy stays clean', () => {
  it('under 3,000 random and 3,000 PCT schedules', async () => {
    const r = await explore(fenced, { strategy: 'random', schedules: 3000 });
    expect(r.findings).toEqual([]);
    expect(r.schedules).toBe(3000);
    expect(r.summary).toBe('explored 3000 random schedules (seeds 1..3000): clean');
    const p = await explore(fenced, { strategy: 'pct', schedules: 3000, seed: 100 });
    expect(p.findings).toEqual([]);
    expect(p.summary).toBe('explored 3000 PCT (depth 3) schedules (seeds 100..3099): clean');
  });
});

describe('bounded exhaustive search', () => {
  it('counts interleavings of two one-yield tasks: 2, 4, 6 for bounds 0, 1, 2', async () => {
    // Two tasks of two steps each have C(4,2) = 6 interleavings. With bound
    // 0 a task runs to its end once started (2: who goes first); each
    // preemption adds one switch in the middle of either order.
    const counts = [];
    for (const bound of [0, 1, 2, 3]) {
      const r = await explore(twoYielders, { strategy: 'exhaustive', preemptions: bound });
      expect(r.exhausted).toBe(true);
      expect(r.summary).toBe(`explored all ${r.schedules} schedules within bound ${bound}: clean`);
      counts.push(r.schedules);
    }
    expect(counts).toEqual([2, 4, 6, 6]);
  });

  it('proves the fenced toy clean within bound 2 and finds the buggy one', async () => {
    const clean = await explore(fenced, { strategy: 'exhaustive', preemptions: 2 });
    expect(clean.exhausted).toBe(true);
    expect(clean.stoppedBy).toBe('exhausted');
    expect(clean.findings).toEqual([]);
    expect(clean.summary).toMatch(/^explored all \d+ schedules within bound 2: clean$/);
    const fewer = await explore(fenced, { strategy: 'exhaustive', preemptions: 1 });
    expect(fewer.exhausted).toBe(true);
    expect(fewer.schedules).toBeLessThan(clean.schedules);

    for (const sc of [buggy, misordered]) {
      const r = await explore(sc, { strategy: 'exhaustive', preemptions: 2 });
      expect(r.findings[0]?.finding.kind).toBe('use-after-remove');
      const bug = r.findings[0];
      if (bug === undefined) throw new Error('unreachable');
      expect(bug.preemptions).toBeLessThanOrEqual(2);
      const again = await replay(sc, bug.shrunk);
      expect(again.finding).toEqual(bug.finding);
    }
  });

  it('a schedule budget stops the search short and says so', async () => {
    const r = await explore(toyScenario('fenced', 5), { strategy: 'exhaustive', preemptions: 3, schedules: 10 });
    expect(r.exhausted).toBe(false);
    expect(r.schedules).toBe(10);
    expect(r.summary).toBe('explored 10 schedules within bound 3, not exhausted (schedules budget spent): clean');
  });

  it('nextPrefix backtracks to the deepest untried choice within the bound', () => {
    // Decision 0: 2 candidates, nobody continuing; decision 1: 3 candidates, task at 1 continuing.
    const log = [
      { width: 2, cont: -1, fifo: 0, pick: 0 },
      { width: 3, cont: 1, fifo: 0, pick: 1 },
    ];
    expect(nextPrefix(log, 1)).toEqual([0, 0]);
    expect(nextPrefix(log, 0)).toEqual([1]);
    expect(nextPrefix([{ width: 2, cont: -1, fifo: 0, pick: 1 }], 0)).toBeNull();
  });
});

describe('findings other than sanitizer reports', () => {
  it('an uncaught task error is an oops naming the task', async () => {
    const r = await explore(nullDeref, { strategy: 'random' });
    const bug = r.findings[0];
    expect(bug?.finding.kind).toBe('oops');
    expect(bug?.finding.context).toMatchObject({ kind: 'task', name: 'user' });
    expect(bug?.finding.resource).toMatch(/^TypeError: /);
    const again = await replay(nullDeref, bug?.shrunk ?? []);
    expect(again.finding?.kind).toBe('oops');
  });

  it('a deadlock report is a finding, and exhaustive search finds it', async () => {
    const r = await explore(abba, { strategy: 'exhaustive', preemptions: 1 });
    expect(r.findings[0]?.finding.kind).toBe('deadlock');
    const p = await explore(abba, { strategy: 'pct' });
    expect(p.findings[0]?.finding.kind).toBe('deadlock');
  });

  it('a run that never goes idle is a hang', async () => {
    const r = await explore(spinner, { strategy: 'random', schedules: 3 });
    expect(r.findings[0]?.finding.kind).toBe('hang');
    expect(r.schedules).toBe(1);
  });
});

describe('collecting all findings', () => {
  it('dedupes by kind and resource and keeps the first schedule of each', async () => {
    const r = await explore(twoBars, { strategy: 'random', schedules: 300, stopAtFirst: false });
    expect(r.schedules).toBe(300);
    expect(r.findings.map((f) => findingKey(f.finding)).sort()).toEqual([
      'use-after-remove bar0',
      'use-after-remove bar1',
    ]);
    for (const f of r.findings) {
      expect(f.occurrences).toBeGreaterThan(1);
      const again = await replay(twoBars, f.shrunk, { seed: f.seed, key: findingKey(f.finding) });
      expect(again.finding).toEqual(f.finding);
    }
    const first = await explore(twoBars, { strategy: 'random', schedules: 300 });
    expect(first.findings).toHaveLength(1);
    expect(first.findings[0]?.schedule).toBe(Math.min(...r.findings.map((f) => f.schedule)));
  });

  it('rejects bad options', async () => {
    await expect(explore(fenced, { schedules: 0 })).rejects.toThrow(RangeError);
    await expect(explore(fenced, { strategy: 'pct', depth: 0 })).rejects.toThrow(RangeError);
    await expect(explore(fenced, { strategy: 'exhaustive', preemptions: -1 })).rejects.toThrow(RangeError);
    await expect(explore(fenced, { jobs: 2 })).rejects.toThrow(/module reference/);
  });
});
