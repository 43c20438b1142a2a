// The engine in Node, its workers faked by the real worker core in this
// thread (fake-worker.ts). What must hold: the first finding is the one the
// CLI's serial exploration finds (same schedule, seed, report, shrunk
// decisions) whatever the number of workers; the replay file it writes
// replays with the CLI's replay path; a CLI replay file opens in it; cancel
// ends a run as incomplete; bad requests are refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioById } from '@quiesce/edu-buggy/playground';
import * as named from '@quiesce/edu-buggy/scenarios';
import { explore, chunkSize as explorerChunkSize, replayFile, writeReplayFile } from '@quiesce/explorer';
import { checkReplayFile } from '@quiesce/explorer/browser';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRequest } from '../src/engine/api.js';
import { chunkSize } from '../src/engine/chunks.js';
import { WorkerEngine } from '../src/engine/engine.js';
import { PLAYGROUND_MODULE } from '../src/engine/targets.js';
import { FakeWorker } from './fake-worker.js';

const playgroundJs = fileURLToPath(new URL('../../../examples/buggy/dist/playground.js', import.meta.url));
const scenariosJs = fileURLToPath(new URL('../../../examples/buggy/dist/scenarios.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quiesce-pg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function engine(workers: number): { e: WorkerEngine; made: FakeWorker[] } {
  const made: FakeWorker[] = [];
  const e = new WorkerEngine({
    createWorker: () => {
      const w = new FakeWorker();
      made.push(w);
      return w;
    },
    defaultWorkers: workers,
  });
  return { e, made };
}

/**
 * A report without its call-trace frames: the frames are the JavaScript
 * stack of the run (file URLs, the caller's frames), which differ between a
 * CLI process and a worker; the report itself must not.
 */
const frameless = (t: string | undefined): string[] => (t ?? '').split('\n').filter((l) => !l.startsWith(' '));

const bug1: RunRequest = { discipline: 'kernel-c', bug: 1, teardown: 'unbind', strategy: 'random', budget: 300 };

describe('engine: runs', () => {
  it('first finding equals the serial CLI exploration, for 1 and 3 workers', async () => {
    const sc = scenarioById('kernel-c/1/unbind');
    if (sc === null) throw new Error('no scenario');
    const cli = await explore(sc, { strategy: 'random', schedules: 300, seed: 1 });
    const want = cli.findings[0];
    if (want === undefined) throw new Error('the CLI found nothing: pick another cell');
    for (const n of [1, 3]) {
      const { e, made } = engine(n);
      const seen: number[] = [];
      const r = await e.run(bug1, (p) => seen.push(p.done));
      expect(made.length).toBe(n);
      expect(r.verdict).toBe('finding');
      expect(r.scenario).toBe(cli.scenario);
      expect(r.schedules).toBe(cli.schedules);
      const f = r.finding;
      if (f === undefined) throw new Error('no finding');
      expect(f.schedule).toBe(want.schedule);
      expect(f.seed).toBe(want.seed);
      expect(f.kind).toBe(want.finding.kind);
      expect(frameless(f.reportText)).toEqual(frameless(want.text));
      expect(f.decisions).toEqual(want.shrunk);
      expect(f.originalDecisions).toEqual(want.decisions);
      expect(seen.length).toBeGreaterThan(0);
      // Progress is monotonic.
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
  });

  it('pct: same first finding as the CLI (the spec, with its measured steps, is shared by every worker)', async () => {
    const req: RunRequest = { discipline: 'fenced', bug: 2, teardown: 'unbind', strategy: 'pct', budget: 200, seed: 5 };
    const sc = scenarioById('fenced/2/unbind');
    if (sc === null) throw new Error('no scenario');
    const cli = await explore(sc, { strategy: 'pct', schedules: 200, seed: 5 });
    const { e } = engine(2);
    const r = await e.run(req);
    expect(r.schedules).toBe(cli.schedules);
    expect(r.finding?.schedule).toBe(cli.findings[0]?.schedule);
    expect(r.finding?.decisions).toEqual(cli.findings[0]?.shrunk);
    expect(r.verdict).toBe(cli.findings.length > 0 ? 'finding' : 'clean');
  });

  it('kinds: only those findings count, as the CLI --kind (same first finding as explore() with kinds)', async () => {
    const sc = scenarioById('kernel-c/1/unbind');
    if (sc === null) throw new Error('no scenario');
    const cli = await explore(sc, { strategy: 'random', schedules: 300, kinds: ['use-after-remove'] });
    const { e } = engine(2);
    const r = await e.run({ ...bug1, kinds: ['use-after-remove'] });
    expect(r.finding?.kind).toBe('use-after-remove');
    expect(r.schedules).toBe(cli.schedules);
    expect(r.finding?.schedule).toBe(cli.findings[0]?.schedule);
    expect(r.finding?.decisions).toEqual(cli.findings[0]?.shrunk);
  });

  it('a clean budget is clean with every schedule counted', async () => {
    const { e } = engine(2);
    const r = await e.run({ discipline: 'fenced', bug: null, teardown: 'unbind', strategy: 'random', budget: 40 });
    expect(r.verdict).toBe('clean');
    expect(r.schedules).toBe(40);
    expect(r.finding).toBeUndefined();
    expect(r.scenario).toBe('edu-fenced');
  });

  it('exhaustive runs in one worker and matches explore()', async () => {
    const sc = scenarioById('fenced/none/unbind');
    if (sc === null) throw new Error('no scenario');
    const cli = await explore(sc, { strategy: 'exhaustive', schedules: 25 });
    const { e, made } = engine(3);
    const r = await e.run({ discipline: 'fenced', bug: null, teardown: 'unbind', strategy: 'exhaustive', budget: 25 });
    expect(made.length).toBe(1);
    expect(r.schedules).toBe(cli.schedules);
    // 25 schedules cannot exhaust a 2-CPU world with two users at bound 2: not a proof.
    expect(cli.exhausted).toBe(false);
    expect(r.verdict).toBe('incomplete');
    expect(r.reason).toBe(cli.summary);
  });

  it('a mistake with no form in the discipline is not-expressible, with the reason, without a worker', async () => {
    const { e, made } = engine(2);
    const r = await e.run({ discipline: 'kernel-c', bug: 9, teardown: 'unbind', strategy: 'random', budget: 10 });
    expect(r.verdict).toBe('not-expressible');
    expect(r.reason).toMatch(/kernel-C driver registers nothing on devres/);
    expect(made.length).toBe(0);
  });

  it('cancel() ends the run as incomplete and terminates the workers', async () => {
    const { e, made } = engine(2);
    const p = e.run(
      { discipline: 'fenced', bug: null, teardown: 'unbind', strategy: 'random', budget: 100_000 },
      (pr) => {
        if (pr.done > 0) e.cancel();
      },
    );
    const r = await p;
    expect(r.verdict).toBe('incomplete');
    expect(r.reason).toMatch(/^cancelled after \d+ schedules$/);
    expect(r.schedules).toBeLessThan(100_000);
    expect(r.reason).toBe(`cancelled after ${r.schedules} schedules`);
    expect(made.every((w) => w.terminated)).toBe(true);
    // The engine recovers: a new run gets new workers.
    const again = await e.run({ ...bug1, budget: 5, bug: null });
    expect(again.verdict).toBe('clean');
    expect(made.length).toBe(4);
  });

  it.each([
    [{ discipline: 'nope' }, /discipline "nope"/],
    [{ bug: 11 }, /bug 11/],
    [{ teardown: 'rebind' }, /teardown "rebind"/],
    [{ strategy: 'dfs' }, /strategy "dfs"/],
    [{ budget: 0 }, /budget 0/],
    [{ budget: 1.5 }, /budget 1.5/],
    [{ workers: 0 }, /workers 0/],
    [{ kinds: [] }, /kinds \[\]/],
    [{ kinds: ['use-after-lunch'] }, /kinds \["use-after-lunch"\]/],
  ])('refuses %o with a TypeError naming it', async (patch, msg) => {
    const { e } = engine(1);
    await expect(e.run({ ...bug1, ...(patch as Partial<RunRequest>) })).rejects.toThrow(TypeError);
    await expect(e.run({ ...bug1, ...(patch as Partial<RunRequest>) })).rejects.toThrow(msg);
  });
});

describe('engine: finding view', () => {
  it('timeline, steps and ftrace describe the replay up to the report, with one bad access', async () => {
    const { e } = engine(2);
    const r = await e.run(bug1);
    const f = r.finding;
    if (f === undefined) throw new Error('no finding');
    const bad = f.timeline.marks.filter((m) => m.badAccess);
    expect(bad).toHaveLength(1);
    expect(bad[0]?.kind).toBe('report');
    expect(bad[0]?.name).toBe(f.title);
    expect(f.timeline.lanes).toContain('CPU 0');
    expect(f.timeline.lanes).toContain('CPU 1');
    expect(f.timeline.lanes.some((l) => l.startsWith('task admin/'))).toBe(true);
    for (const s of f.timeline.spans) {
      expect(f.timeline.lanes).toContain(s.lane);
      expect(s.endNs).toBeGreaterThanOrEqual(s.startNs);
      expect(s.endNs).toBeLessThanOrEqual(f.timeline.endNs);
    }
    // The report is the last thing that happens.
    expect(bad[0]?.atNs).toBe(f.timeline.endNs);
    // The ftrace text: 4 header lines, one per step.
    const lines = f.ftrace.split('\n');
    expect(lines.length).toBe(4 + f.steps.length);
    expect(f.steps.map((s) => s.text)).toEqual(lines.slice(4));
    expect(f.steps.at(-1)?.text).toContain(`quiesce_report: ${f.kind}`);
    expect(f.steps.map((s) => s.index)).toEqual(f.steps.map((_, i) => i));
    // Virtual time never runs backwards in a replay.
    const t = f.steps.map((s) => s.atNs);
    expect(t).toEqual([...t].sort((a, b) => a - b));
  });

  it('the replay file replays with the CLI replay path and reproduces the report', async () => {
    const { e } = engine(2);
    const r = await e.run(bug1);
    const file = checkReplayFile(r.finding?.replayFile, 'page');
    expect(file.scenario).toEqual({ module: PLAYGROUND_MODULE, export: 'kernel-c/1/unbind', name: r.scenario });
    expect(file.decisions).toEqual(r.finding?.decisions);
    const path = join(dir, 'page.json');
    writeFileSync(path, JSON.stringify(file));
    const back = await replayFile(path, playgroundJs);
    expect(back.reproduced).toBe(true);
    expect(back.replay.finding?.title).toBe(r.finding?.title);
  });

  it('a CLI replay file of scenarios.js#bug04 opens in the page and reproduces', async () => {
    const cli = await explore(named.bug04, { strategy: 'random', schedules: 300 });
    const bug = cli.findings[0];
    if (bug === undefined) throw new Error('bug04 not found in 300 schedules');
    const path = join(dir, 'cli.json');
    const written = writeReplayFile(path, bug, cli, { module: scenariosJs, export: 'bug04' });
    const { e } = engine(1);
    const r = await e.openReplay(JSON.parse(JSON.stringify(written)));
    expect(r.verdict).toBe('finding');
    expect(r.reason).toBeUndefined();
    expect(r.scenario).toBe(cli.scenario);
    expect(r.finding?.kind).toBe(bug.finding.kind);
    expect(frameless(r.finding?.reportText)).toEqual(frameless(bug.text));
    expect(r.finding?.replayFile).toEqual(written);
  });

  it('a page replay file opens in the page; an edited one says it no longer reproduces', async () => {
    const { e } = engine(1);
    const r = await e.run(bug1);
    const back = await e.openReplay(r.finding?.replayFile);
    expect(back.verdict).toBe('finding');
    expect(back.finding?.reportText).toBe(r.finding?.reportText);
    expect(back.request).toMatchObject({ discipline: 'kernel-c', bug: 1, teardown: 'unbind' });
    const file = checkReplayFile(r.finding?.replayFile, 'page');
    const edited = { ...file, report: { ...file.report, time: file.report.time + 1 } };
    const other = await e.openReplay(edited);
    expect(other.reason).toMatch(/^not reproduced exactly/);
  });

  it('refuses a document that is not a replay file, and a module the page cannot load', async () => {
    const { e } = engine(1);
    await expect(e.openReplay({ format: 'x' })).rejects.toThrow(/not a quiesce replay file/);
    const r = await e.openReplay({
      format: 'quiesce-replay/1',
      quiesce: '0',
      scenario: { module: 'my/own.mjs', export: 'x', name: 'x' },
      strategy: 'random',
      seed: 1,
      schedule: 0,
      decisions: [],
      original: [],
      report: { kind: 'warn', title: 't', resource: 'r', time: 0, context: 'c' },
    });
    expect(r.verdict).toBe('not-expressible');
    expect(r.reason).toMatch(/my\/own\.mjs/);
  });
});

describe('engine: chunking', () => {
  it('hands out chunks as the CLI --jobs does', () => {
    for (const n of [1, 7, 100, 1000, 50_000])
      for (const j of [1, 2, 3, 8]) expect(chunkSize(n, j)).toBe(explorerChunkSize(n, j));
  });
});
