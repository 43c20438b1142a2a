import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explore, readReplayFile, replayFile, writeReplayFile } from '@quiesce/explorer';
import { afterAll, describe, expect, it } from 'vitest';
import { buggy } from '../scenarios/toy.mjs';

const toyPath = fileURLToPath(new URL('../scenarios/toy.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quiesce-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay files', () => {
  it('round-trip: write, read back, replay to the same report', async () => {
    const r = await explore(buggy, { strategy: 'pct' });
    const bug = r.findings[0];
    if (bug === undefined) throw new Error('no finding');
    const path = join(dir, 'bug.json');
    const written = writeReplayFile(path, bug, r, { module: toyPath, export: 'buggy' });
    const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    expect(raw).toEqual(written);
    expect(readReplayFile(path)).toEqual(written);
    expect(written).toMatchObject({
      format: 'quiesce-replay/1',
      scenario: { export: 'buggy', name: 'toy-buggy' },
      strategy: 'pct depth 3',
      seed: bug.seed,
      schedule: bug.schedule,
      decisions: bug.shrunk,
      original: bug.decisions,
      report: { kind: 'use-after-remove', resource: 'toy BAR0', title: bug.finding.title, time: bug.finding.time },
    });
    const back = await replayFile(path);
    expect(back.reproduced).toBe(true);
    expect(back.replay.finding?.title).toBe(bug.finding.title);
    expect(back.replay.trace?.text).toBe(bug.trace.text);
  });

  it('a file whose decisions no longer reproduce says so', async () => {
    const r = await explore(buggy, { strategy: 'random' });
    const bug = r.findings[0];
    if (bug === undefined) throw new Error('no finding');
    const path = join(dir, 'edited.json');
    const f = writeReplayFile(path, bug, r, { module: toyPath, export: 'buggy' });
    // Let the user task go on twice, then the fifo fallback fires the timer before unbind runs: clean.
    writeFileSync(path, JSON.stringify({ ...f, decisions: [0, 1, 1] }));
    const back = await replayFile(path);
    expect(back.replay.findings).toEqual([]);
    expect(back.reproduced).toBe(false);
  });

  it('rejects malformed files', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ format: 'other' }));
    expect(() => readReplayFile(path)).toThrow(/not a quiesce replay file/);
    writeFileSync(
      path,
      JSON.stringify({ format: 'quiesce-replay/1', scenario: { module: 'x', export: 'y' }, seed: 1, decisions: [-1] }),
    );
    expect(() => readReplayFile(path)).toThrow(/decisions/);
  });
});
