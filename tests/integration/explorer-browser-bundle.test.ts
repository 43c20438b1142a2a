// The explorer's browser entry (@quiesce/explorer/browser) with the
// playground's scenarios (@quiesce/edu-buggy/playground), bundled for the
// browser by esbuild (platform=browser fails on any `node:` import) and run
// in a fresh `vm` context that has the language's globals and
// `performance` (browsers and workers have it) but no process, require,
// Buffer or timers. The serial exploration there must find what the Node
// entry's explore() finds: same schedule, seed, report and shrunk decisions,
// and a replay document that parses back. Bundles the built dist/.
import vm from 'node:vm';
import { scenarioById } from '@quiesce/edu-buggy/playground';
import { explore } from '@quiesce/explorer';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = `
import { exploreSerial, buildReplayFile, parseReplayFile } from '@quiesce/explorer/browser';
import { scenarioById } from '@quiesce/edu-buggy/playground';
globalThis.quiesceRun = async (id, options) => {
  const sc = scenarioById(id);
  const r = await exploreSerial(sc, options);
  const bug = r.findings[0];
  if (bug === undefined) return { r, file: null };
  const file = buildReplayFile(bug, r, 'examples/buggy/dist/playground.js', id, 'test');
  return { r, file: parseReplayFile(JSON.stringify(file), 'bundle') };
};
`;

describe('browser bundle of the explorer browser entry + playground scenarios', () => {
  it('has no Node built-in and explores like the Node entry in a context without Node globals', async () => {
    const out = await build({
      stdin: { contents: entry, resolveDir: new URL('.', import.meta.url).pathname },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/\brequire\(["']node:|from ["']node:/);
    const ctx = vm.createContext({ performance: { now: () => performance.now() } });
    expect(vm.runInContext('[typeof process, typeof require, typeof Buffer, typeof setTimeout].join()', ctx)).toBe(
      'undefined,undefined,undefined,undefined',
    );
    vm.runInContext(code, ctx, { filename: 'explorer-browser-bundle.js' });
    const run = (ctx as { quiesceRun: (id: string, o: object) => Promise<{ r: unknown; file: unknown }> }).quiesceRun;
    const opts = { strategy: 'random', schedules: 300, seed: 1 } as const;
    // JSON round trip: values from the vm context have that context's prototypes.
    const got = JSON.parse(JSON.stringify(await run('kernel-c/1/unbind', opts))) as {
      r: {
        schedules: number;
        findings: {
          schedule: number;
          seed: number;
          shrunk: number[];
          finding: { kind: string; title: string; resource: string; time: number };
        }[];
      };
      file: { format: string; decisions: number[]; scenario: { export: string } } | null;
    };
    const sc = scenarioById('kernel-c/1/unbind');
    if (sc === null) throw new Error('no scenario');
    const want = await explore(sc, opts);
    const w = want.findings[0];
    if (w === undefined) throw new Error('Node found nothing: pick another cell');
    expect(got.r.schedules).toBe(want.schedules);
    const g = got.r.findings[0];
    expect(g?.schedule).toBe(w.schedule);
    expect(g?.seed).toBe(w.seed);
    expect(g?.shrunk).toEqual(w.shrunk);
    expect(g?.finding).toMatchObject({
      kind: w.finding.kind,
      title: w.finding.title,
      resource: w.finding.resource,
      time: w.finding.time,
    });
    expect(got.file).toMatchObject({
      format: 'quiesce-replay/1',
      decisions: w.shrunk,
      scenario: { export: 'kernel-c/1/unbind' },
    });
  });
});
