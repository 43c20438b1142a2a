// Tests that need the built package: worker threads load dist/worker.js and
// the CLI runs as `node dist/cli.js`. The build is incremental (a no-op when
// CI has already built); everything that needs it lives in this one file so
// that two test files never run tsc at the same time.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExploreResult, explore } from '@quiesce/explorer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const cli = join(pkg, 'dist/cli.js');
const toy = join(pkg, 'scenarios/toy.mjs');
const dir = mkdtempSync(join(tmpdir(), 'quiesce-cli-'));

beforeAll(() => {
  execFileSync(join(pkg, 'node_modules/.bin/tsc'), ['-b'], { cwd: pkg, stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The parts of a result that must not depend on the number of jobs (stacks name src vs dist files). */
function comparable(r: ExploreResult): unknown {
  return {
    ...r,
    elapsedMs: 0,
    executed: 0,
    jobs: 0,
    findings: r.findings.map((f) => ({ ...f, text: '', finding: { ...f.finding, stacks: {} } })),
  };
}

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: pkg, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('parallel exploration', () => {
  for (const [exp, strategy, stopAtFirst] of [
    ['buggy', 'random', true],
    ['misordered', 'pct', true],
    ['misordered', 'random', false],
    ['fenced', 'pct', true],
  ] as const) {
    it(`jobs 2 equals serial: ${exp}, ${strategy}, ${stopAtFirst ? 'first finding' : 'all findings'}`, async () => {
      const ref = { module: toy, export: exp };
      const opts = { strategy, schedules: 400, stopAtFirst, seed: 7 } as const;
      const serial = await explore(ref, opts);
      const parallel = await explore(ref, { ...opts, jobs: 2 });
      expect(parallel.jobs).toBe(2);
      expect(parallel.executed).toBeGreaterThanOrEqual(parallel.schedules);
      expect(comparable(parallel)).toEqual(comparable(serial));
      expect(serial.findings.length > 0).toBe(exp !== 'fenced');
    });
  }
});

describe('quiesce-explore CLI', () => {
  it('exit 0 on a clean scenario, with a summary table', () => {
    const r = run('scenarios/toy.mjs', '--export', 'fenced', '--schedules', '200', '--strategy', 'pct');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('explored 200 PCT (depth 3) schedules (seeds 1..200): clean');
    // Not a TTY: plain progress lines.
    expect(r.stderr).toMatch(/^quiesce-explore: \d+\/200 schedules, 0 findings/m);
    expect(r.stderr).not.toContain('\r');
  });

  it('exit 0 and "explored all" for an exhaustive proof', () => {
    const r = run('scenarios/toy.mjs', '--export', 'fenced', '--strategy', 'exhaustive', '--preemptions', '2', '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/explored all \d+ schedules within bound 2: clean/);
    expect(r.stderr).toBe('');
  });

  it('exit 1 on a finding, writes a replay file that --replay reproduces', () => {
    const out = join(dir, 'bug.json');
    const r = run('scenarios/toy.mjs', '--jobs', '2', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('BUG: KASAN: use-after-remove in readl');
    expect(r.stdout).toMatch(/1\s+use-after-remove\s+toy BAR0/);
    const file = JSON.parse(readFileSync(out, 'utf8')) as { scenario: { export: string } };
    expect(file.scenario.export).toBe('default');
    const again = run('--replay', out);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('reproduced: BUG: KASAN: use-after-remove in readl');
  });

  it('--kind: only that kind counts (exit 0 when no schedule files it)', () => {
    const other = run('scenarios/toy.mjs', '--export', 'buggy', '--kind', 'double-release', '--schedules', '50', '-q');
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('clean of double-release');
    const uar = run(
      'scenarios/toy.mjs',
      '--export',
      'buggy',
      '--kind',
      'warn,use-after-remove',
      '--schedules',
      '50',
      '-q',
    );
    expect(uar.code).toBe(1);
    expect(uar.stdout).toContain('use-after-remove');
  });

  it('exit 2 on usage errors', () => {
    expect(run().code).toBe(2);
    expect(run('scenarios/toy.mjs', '--bogus').code).toBe(2);
    expect(run('scenarios/toy.mjs', '--strategy', 'dfs').code).toBe(2);
    expect(run('scenarios/toy.mjs', '--schedules', 'many').code).toBe(2);
    expect(run('scenarios/toy.mjs', '--kind', 'use-after-lunch').code).toBe(2);
    expect(run('scenarios/nope.mjs').code).toBe(2);
    const noExport = run('scenarios/toy.mjs', '--export', 'nothing');
    expect(noExport.code).toBe(2);
    expect(noExport.stderr).toContain('scenarios: buggy, default, fenced, misordered');
    expect(run('--replay', join(dir, 'missing.json')).code).toBe(2);
    const help = run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('exit: 0 clean, 1 finding, 2 usage error');
  });
});
