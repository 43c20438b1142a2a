// The browser entry's serial exploration against explore() (same schedules,
// merge, shrink and trace: the results must agree but for timings and call
// traces), its stop() hook, and the replay document helpers without a file
// system (replay-doc.ts).
import { type ExploreResult, explore } from '@quiesce/explorer';
import { describe, expect, it } from 'vitest';
import { buggy, fenced, misordered } from '../scenarios/toy.mjs';
import {
  buildReplayFile,
  checkReplayFile,
  exploreSerial,
  parseReplayFile,
  replay,
  reproduces,
  seededSpecFor,
} from '../src/browser.js';

function comparable(r: ExploreResult): unknown {
  return {
    ...r,
    elapsedMs: 0,
    findings: r.findings.map((f) => ({ ...f, text: '', finding: { ...f.finding, stacks: {} } })),
  };
}

describe('exploreSerial', () => {
  for (const [name, sc, strategy, stopAtFirst] of [
    ['buggy', buggy, 'random', true],
    ['misordered', misordered, 'pct', true],
    ['misordered', misordered, 'random', false],
    ['fenced', fenced, 'pct', true],
    ['buggy', buggy, 'exhaustive', true],
    ['fenced', fenced, 'exhaustive', true],
  ] as const) {
    it(`equals explore() with one job: ${name}, ${strategy}, ${stopAtFirst ? 'first' : 'all'}`, async () => {
      const opts = { strategy, schedules: 300, stopAtFirst, seed: 3 } as const;
      const want = await explore(sc, opts);
      const got = await exploreSerial(sc, opts);
      expect(comparable(got)).toEqual(comparable(want));
      expect(got.findings.length > 0).toBe(name !== 'fenced');
    });
  }

  it('stop() ends a seeded search at a slice boundary, as a spent time budget', async () => {
    let polls = 0;
    const r = await exploreSerial(fenced, { schedules: 1000, stop: () => ++polls >= 2 });
    expect(r.stoppedBy).toBe('time');
    // Slices of 64: stopped after the second.
    expect(r.executed).toBe(128);
    expect(r.summary).toMatch(/time budget spent/);
  });

  it('refuses bad options as explore() does', async () => {
    await expect(exploreSerial(fenced, { schedules: 0 })).rejects.toThrow(RangeError);
    await expect(exploreSerial(fenced, { kinds: [] })).rejects.toThrow(/kinds must name/);
    await expect(exploreSerial(fenced, { strategy: 'dfs' as 'random' })).rejects.toThrow(/unknown strategy dfs/);
    await expect(seededSpecFor(fenced, { strategy: 'pct', depth: 0 })).rejects.toThrow(/depth must be an integer/);
  });
});

describe('replay documents without a file system', () => {
  it('build, parse back, and reproduce; an edited report does not', async () => {
    const r = await exploreSerial(buggy, { strategy: 'pct', seed: 1 });
    const bug = r.findings[0];
    if (bug === undefined) throw new Error('no finding');
    const doc = buildReplayFile(bug, r, 'scenarios/toy.mjs', 'buggy', '9.9.9');
    expect(doc).toMatchObject({
      format: 'quiesce-replay/1',
      quiesce: '9.9.9',
      scenario: { module: 'scenarios/toy.mjs', export: 'buggy', name: 'toy-buggy' },
      strategy: 'pct depth 3',
      decisions: bug.shrunk,
      report: { kind: bug.finding.kind, resource: bug.finding.resource },
    });
    const back = parseReplayFile(JSON.stringify(doc), 'doc');
    expect(back).toEqual(doc);
    const rp = await replay(buggy, back.decisions, { seed: back.seed });
    expect(reproduces(back, rp.findings)).toBe(true);
    expect(reproduces({ ...back, report: { ...back.report, time: back.report.time + 1 } }, rp.findings)).toBe(false);
  });

  it.each([
    ['', /doc: empty file/],
    ['{', /doc: truncated or not JSON/],
    ['[]', /doc: not a quiesce replay file \(format is undefined/],
    ['{"format":"quiesce-replay/1"}', /\(scenario\)/],
    ['{"format":"quiesce-replay/1","scenario":{"module":"m","export":"e"},"seed":1.5}', /\(seed\)/],
    ['{"format":"quiesce-replay/1","scenario":{"module":"m","export":"e"},"seed":1,"decisions":[-1]}', /\(decisions\)/],
    ['{"format":"quiesce-replay/1","scenario":{"module":"m","export":"e"},"seed":1,"decisions":[0]}', /\(report\)/],
  ])('refuses %s naming the field', (text, msg) => {
    expect(() => parseReplayFile(text, 'doc')).toThrow(msg);
  });

  it('checkReplayFile refuses a value that is not an object', () => {
    expect(() => checkReplayFile(null, 'x')).toThrow(/x: not a quiesce replay file \(not an object\)/);
  });
});
