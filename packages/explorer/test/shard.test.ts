import {
  type ExploreResult,
  explore,
  FindingMerger,
  type Hit,
  mergeHits,
  mergeResults,
  parseShard,
  shardRange,
} from '@quiesce/explorer';
import { describe, expect, it } from 'vitest';
import { buggy, fenced, misordered } from '../scenarios/toy.mjs';
import { twoBars } from './scenarios.js';

/** What merged shards and the unsharded run must agree on (timings and job counts aside). */
function same(r: ExploreResult): unknown {
  return {
    scenario: r.scenario,
    strategy: r.strategy,
    schedules: r.schedules,
    exhausted: r.exhausted,
    stoppedBy: r.stoppedBy,
    summary: r.summary,
    findings: r.findings.map((f) => ({
      key: `${f.finding.kind} ${f.finding.resource}`,
      schedule: f.schedule,
      seed: f.seed,
      occurrences: f.occurrences,
      decisions: f.decisions,
      shrunk: f.shrunk,
    })),
  };
}

async function sharded(sc: Parameters<typeof explore>[0], n: number, o: Parameters<typeof explore>[1]) {
  const parts: ExploreResult[] = [];
  for (let index = 0; index < n; index++) parts.push(await explore(sc, { ...o, shard: { index, count: n } }));
  return parts;
}

describe('shards', () => {
  it('parses i/n from 0 and splits a budget into disjoint ranges that cover it', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(() => parseShard('5/5')).toThrow(/0 ≤ i < n \(got 5\/5\)/);
    expect(() => parseShard('1')).toThrow(RangeError);
    const ranges = [0, 1, 2].map((index) => shardRange(1000, { index, count: 3 }));
    expect(ranges).toEqual([
      [0, 333],
      [333, 666],
      [666, 1000],
    ]);
  });

  for (const strategy of ['random', 'pct'] as const) {
    it(`${strategy}: merged shards equal the unsharded run for the same seeds`, async () => {
      const o = { strategy, schedules: 300, seed: 5, stopAtFirst: false } as const;
      const whole = await explore(twoBars, o);
      const merged = mergeResults(await sharded(twoBars, 3, o));
      expect(merged.complete).toBe(true);
      expect(same(merged.result)).toEqual(same(whole));
      expect(whole.findings.length).toBe(2);
      // Shard 1 of 3 covers schedules 100..199: seeds 105..204.
      const mid = await explore(twoBars, { ...o, shard: { index: 1, count: 3 } });
      expect(mid.summary).toMatch(/^explored 100 .* \(seeds 105\.\.204, shard 1\/3\): /);
      // First finding only: the shard holding the lowest index wins.
      const first = await explore(misordered, { strategy, schedules: 300, seed: 5 });
      const firstMerged = mergeResults(await sharded(misordered, 4, { strategy, schedules: 300, seed: 5 }));
      expect(same(firstMerged.result)).toEqual(same(first));
    });
  }

  it('exhaustive: shards split the tree; merged they count every schedule once and prove the bound', async () => {
    const whole = await explore(fenced, { strategy: 'exhaustive', preemptions: 2 });
    const parts = await sharded(fenced, 3, { strategy: 'exhaustive', preemptions: 2 });
    expect(parts.every((p) => p.schedules > 0)).toBe(true);
    // A shard alone claims only its part of the tree.
    expect(parts[1]?.summary).toBe(`explored all ${parts[1]?.schedules} schedules of shard 1/3 within bound 2: clean`);
    const merged = mergeResults(parts);
    expect(merged.result.schedules).toBe(whole.schedules);
    expect(merged.result.exhausted).toBe(true);
    expect(merged.result.summary).toBe(whole.summary);
    // Collecting every finding: same bugs, same number of schedules hitting each.
    const o = { strategy: 'exhaustive', preemptions: 2, stopAtFirst: false } as const;
    const all = await explore(buggy, o);
    const mergedAll = mergeResults(await sharded(buggy, 3, o)).result;
    const occ = (r: ExploreResult) => r.findings.map((f) => [f.finding.kind, f.finding.resource, f.occurrences]);
    expect(occ(mergedAll)).toEqual(occ(all));
    expect(mergedAll.schedules).toBe(all.schedules);
  });

  it('a bound is proved only if every shard completed', async () => {
    const parts = await sharded(fenced, 3, { strategy: 'exhaustive', preemptions: 2 });
    const partial = mergeResults(parts.slice(0, 2));
    expect(partial.complete).toBe(false);
    expect(partial.missing).toEqual([2]);
    expect(partial.result.exhausted).toBe(false);
    expect(partial.result.summary).toContain('incomplete: shard 2 of 3 missing');
    expect(() => mergeResults([parts[0] as ExploreResult, parts[0] as ExploreResult])).toThrow(/given twice/);
    const other = await explore(fenced, { strategy: 'exhaustive', preemptions: 1, shard: { index: 2, count: 3 } });
    expect(() => mergeResults([...parts.slice(0, 2), other])).toThrow(/not a shard of the same exploration/);
  });
});

describe('the finding merge', () => {
  const f = (resource: string) =>
    ({
      kind: 'warn',
      title: 't',
      resource,
      detail: '',
      context: { kind: 'none', name: 'none', pid: 0, cpu: 0 },
      time: 0,
      stacks: {},
    }) as const;
  const hit = (index: number, ...rs: string[]): Hit => ({
    index,
    seed: index,
    findings: rs.map(f),
    decisions: [index],
  });

  it('gives the same bugs whatever order the hits arrive in', () => {
    const hits = [hit(7, 'b', 'a'), hit(3, 'c'), hit(9, 'a'), hit(5, 'b', 'b')];
    const forward = mergeHits(hits, false);
    const backward = mergeHits(hits.slice().reverse(), false);
    expect(backward).toEqual(forward);
    expect(forward.map((b) => [b.finding.resource, b.index, b.occurrences])).toEqual([
      ['c', 3, 1],
      ['b', 5, 2],
      ['a', 7, 2],
    ]);
  });

  it('stop at first keeps the lowest-index hit only, and its first finding', () => {
    const m = new FindingMerger(true);
    for (const h of [hit(8, 'x'), hit(2, 'y', 'z'), hit(4, 'w')]) m.add(h);
    expect(m.first).toBe(2);
    expect(m.bugsInOrder().map((b) => b.finding.resource)).toEqual(['y']);
  });
});
