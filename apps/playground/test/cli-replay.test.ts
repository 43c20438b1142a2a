// A replay file written by the page replays with the real CLI:
// `quiesce-explore --replay FILE` with FILE saved at the repository root
// (the file names examples/buggy/dist/playground.js relative to it; here a
// temporary folder with an `examples` link stands for the root), and with
// the module given explicitly when FILE is saved anywhere else.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerEngine } from '../src/engine/engine.js';
import { FakeWorker } from './fake-worker.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/explorer/bin/quiesce-explore.mjs');
const dir = mkdtempSync(join(tmpdir(), 'quiesce-pg-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { cwd: dir });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: `${x.stdout}${x.stderr}` };
  }
}

describe('page replay file in the CLI', () => {
  it('reproduces with quiesce-explore --replay, saved at the root or given the module', async () => {
    const e = new WorkerEngine({ createWorker: () => new FakeWorker(), defaultWorkers: 2 });
    const r = await e.run({ discipline: 'fenced', bug: 2, teardown: 'unbind', strategy: 'random', budget: 500 });
    const f = r.finding;
    if (f === undefined) throw new Error(`fenced/2/unbind: ${r.verdict} in 500 schedules`);
    symlinkSync(join(root, 'examples'), join(dir, 'examples'));
    writeFileSync(join(dir, 'page.json'), `${JSON.stringify(f.replayFile, null, 2)}\n`);
    const atRoot = await cli(['--replay', 'page.json']);
    expect(atRoot.out).toContain(`reproduced: ${f.title}`);
    expect(atRoot.out).toContain('#fenced/2/unbind');
    expect(atRoot.code).toBe(1);
    // Saved elsewhere: the relative module is not found there, the CLI says
    // how to give it, and given it reproduces.
    mkdirSync(join(dir, 'downloads'));
    writeFileSync(join(dir, 'downloads/page.json'), JSON.stringify(f.replayFile));
    const lost = await cli(['--replay', 'downloads/page.json']);
    expect(lost.code).toBe(2);
    expect(lost.out).toMatch(/cannot import scenario module/);
    const given = await cli(['--replay', 'downloads/page.json', join(root, 'examples/buggy/dist/playground.js')]);
    expect(given.out).toContain(`reproduced: ${f.title}`);
  });
});
