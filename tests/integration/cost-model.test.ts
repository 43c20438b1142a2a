// Cost models (issue 16): the shipped ones are valid, a malformed user file
// is an error naming the file and the field, and `--cost-model FILE` drives
// the projection (census × cost, checked by hand on a model whose only
// non-zero costs are the MMIO read and the RCU grace period).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
type Entry = { low: number; typical: number; high: number; source?: string; estimate?: boolean; how?: string };
type Model = { name: string; entries: Record<string, Entry> };
let lib: {
  loadCostModel: (f: string) => Model & { file: string };
  CostModelError: new (...a: unknown[]) => Error;
};
let ops: readonly string[];

beforeAll(async () => {
  lib = await import(pathToFileURL(`${root}benchmarks/lib/cost-model.mjs`).href);
  ops = (await import('@quiesce/core-devres')).CENSUS_OPS;
});

/** A model pricing every primitive at 0 ns except the given ones. */
function model(over: Record<string, number>, name = 'test model'): Model {
  const entries: Record<string, Entry> = {};
  for (const op of ops) {
    const v = over[op] ?? 0;
    entries[op] = { low: v, typical: v, high: v * 2, estimate: true, how: 'test' };
  }
  return { name, entries };
}

const dir = mkdtempSync(join(tmpdir(), 'quiesce-cost-'));
const write = (name: string, m: unknown): string => {
  const f = join(dir, name);
  writeFileSync(f, typeof m === 'string' ? m : JSON.stringify(m));
  return f;
};

describe('cost models', () => {
  it('every shipped model is valid and prices every counted primitive, with a source or a stated estimate', () => {
    const files = readdirSync(`${root}benchmarks/cost-models`).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const m = lib.loadCostModel(`${root}benchmarks/cost-models/${f}`);
      expect(Object.keys(m.entries).sort()).toEqual([...ops].sort());
      for (const e of Object.values(m.entries)) expect(e.estimate === true ? e.how : e.source).toBeTruthy();
    }
  });

  it.each([
    ['a missing entry', (m: Model) => delete m.entries.gp_rcu, 'entries.gp_rcu'],
    [
      'a non-number',
      (m: Model) => Object.assign(m.entries.mmio_read as Entry, { low: 'fast' }),
      'entries.mmio_read.low',
    ],
    [
      'low above high',
      (m: Model) => Object.assign(m.entries.barrier as Entry, { low: 9, typical: 9, high: 1 }),
      'entries.barrier',
    ],
    [
      'no source, not an estimate',
      (m: Model) => Object.assign(m.entries.ipi as Entry, { estimate: false }),
      'entries.ipi.source',
    ],
    ['an unknown primitive', (m: Model) => Object.assign(m.entries, { rcu_lock: m.entries.ipi }), 'entries.rcu_lock'],
  ])('a malformed file (%s) is an error naming the file and the field', (_what, spoil, field) => {
    const m = model({});
    spoil(m);
    const f = write(`bad-${field}.json`, m);
    expect(() => lib.loadCostModel(f)).toThrow(lib.CostModelError);
    expect(() => lib.loadCostModel(f)).toThrow(
      new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${field.replace('.', '\\.')}`),
    );
  });

  it('not JSON is an error naming the file', () => {
    const f = write('not-json.json', '{ "name": ');
    expect(() => lib.loadCostModel(f)).toThrow(/not-json\.json: \(file\): is not valid JSON/);
  });

  it('run.mjs rejects a malformed --cost-model before running anything, naming file and field', () => {
    const m = model({});
    delete m.entries.mmio_write;
    const f = write('run-bad.json', m);
    const r = spawnSync(
      process.execPath,
      ['benchmarks/run.mjs', '--quick', '--cost-model', f, '--out', join(dir, 'x')],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`cost model ${f}: entries.mmio_write: is missing`);
  });

  it('--cost-model with a user file drives the projection: census × cost', { timeout: 120_000 }, () => {
    const f = write('user.json', model({ mmio_read: 1000, gp_rcu: 1_000_000 }, 'user platform'));
    const out = join(dir, 'user-out');
    // --only matches no suite: the census and the projection still run (a few seconds).
    execFileSync(
      process.execPath,
      ['benchmarks/run.mjs', '--quick', '--only', 'no-such-suite', '--cost-model', f, '--out', out],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.costModel.name).toBe('user platform');
    // One MMIO read at 1000 ns, everything else free: every discipline's read is 1000 ns (high: 2000).
    for (const id of ['kernel-c', 'fenced', 'devres-access', 'revocable', 'srcu-device', 'c-revocable']) {
      expect(report.projection[id].paths['mmio-read'].ns).toEqual({ low: 1000, typical: 1000, high: 2000 });
    }
    // Unbind at N outstanding timers: the revocable designs wait N grace periods of 1 ms; the fenced none.
    const at = (id: string, n: number) => report.projection[id].unbind.timers.find((u: { n: number }) => u.n === n).ns;
    expect(at('revocable', 10_000)).toEqual({ low: 1e10, typical: 1e10, high: 2e10 });
    expect(at('devres-access', 100_000).typical).toBe(1e11);
    expect(at('fenced', 10_000)).toEqual({ low: 0, typical: 0, high: 0 });
    expect(report.census.revocable['mmio-read']).toEqual({
      rcu_read_lock: 1,
      rcu_read_unlock: 1,
      atomic_load: 1,
      mmio_read: 1,
    });
    expect(report.disciplines.map((d: { id: string; censused: boolean }) => [d.id, d.censused])).toEqual([
      ['kernel-c', true],
      ['fenced', true],
      ['devres-access', true],
      ['revocable', true],
      ['srcu-device', true],
      ['c-revocable', true],
    ]);
    const md = readFileSync(join(out, 'REPORT.md'), 'utf8');
    expect(md).toContain('user platform');
    expect(readFileSync(join(out, 'unbind-projection.svg'), 'utf8')).toMatch(/^<svg /);
  });
});
