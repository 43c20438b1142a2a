// Tests that need the built package: worker threads load dist/worker.js and
// the CLI runs as `node dist/cli.js`. The build is incremental (a no-op when
// CI has already built); everything that needs it lives in this one file so
// that two test files never run tsc at the same time.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

  it('--kind CLASS: a class stands for its kinds; an unknown class is exit 2 naming the classes', () => {
    // The toy's bug is a use-after-remove: a memory-safety report, not a lock one.
    const lock = run('scenarios/toy.mjs', '--export', 'buggy', '--kind', 'lock', '--schedules', '50', '-q');
    expect(lock.code).toBe(0);
    expect(lock.stdout).toContain('clean of deadlock, hung-task, possible-circular-locking');
    const mem = run('scenarios/toy.mjs', '--export', 'buggy', '--kind', 'memory', '--schedules', '50', '-q');
    expect(mem.code).toBe(1);
    expect(mem.stdout).toMatch(/1\s+use-after-remove\s+toy BAR0/);
    const typo = run('scenarios/toy.mjs', '--kind', 'memroy');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('or a class (memory, misuse, lock, lifecycle, other) (got memroy)');
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

describe('quiesce-explore: bad input', () => {
  it('--out into a missing folder: a clear error and exit 2, before exploring', () => {
    const r = run('scenarios/toy.mjs', '--out', join(dir, 'no-such-dir', 'bug.json'), '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `--out ${join(dir, 'no-such-dir', 'bug.json')}: folder ${join(dir, 'no-such-dir')} does not exist`,
    );
    expect(r.stdout).toBe('');
  });

  it('--schedules -1 and --jobs -3 as separate arguments: the same message as the = form', () => {
    for (const [flag, v, min] of [
      ['--schedules', '-1', 1],
      ['--jobs', '-3', 0],
    ] as const) {
      const sep = run('scenarios/toy.mjs', flag, v);
      const eq = run('scenarios/toy.mjs', `${flag}=${v}`);
      expect(sep.code).toBe(2);
      expect(eq.code).toBe(2);
      const msg = `quiesce-explore: ${flag} must be an integer ≥ ${min} (got ${v})`;
      expect(sep.stderr.split('\n')[0]).toBe(msg);
      expect(eq.stderr.split('\n')[0]).toBe(msg);
    }
  });

  it('an empty or truncated replay file: an error naming the file', () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    const e = run('--replay', empty);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(`${empty}: empty file`);
    const good = join(dir, 'good.json');
    expect(run('scenarios/toy.mjs', '--out', good, '-q').code).toBe(1);
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, readFileSync(good, 'utf8').slice(0, 120));
    const t = run('--replay', cut);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain(`${cut}: truncated or not JSON`);
  });

  it('a replay file moved away from its scenario: a hint how to point it back, which works', () => {
    const good = join(dir, 'bug-moved.json');
    expect(run('scenarios/toy.mjs', '--out', good, '-q').code).toBe(1);
    // As a repository's replay files do: the module named relative to the file.
    const file = JSON.parse(readFileSync(good, 'utf8')) as { scenario: { module: string } };
    file.scenario.module = relative(dir, toy);
    writeFileSync(good, JSON.stringify(file));
    expect(run('--replay', good).code).toBe(1);
    const far = join(dir, 'elsewhere', 'deeper');
    mkdirSync(far, { recursive: true });
    const moved = join(far, 'bug.json');
    copyFileSync(good, moved);
    const r = run('--replay', moved);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the replay file names its scenario module relative to its own folder');
    expect(r.stderr).toContain(`quiesce-explore --replay ${moved} <scenario module>`);
    const back = run('--replay', moved, 'scenarios/toy.mjs');
    expect(back.code).toBe(1);
    expect(back.stdout).toContain('reproduced: BUG: KASAN: use-after-remove in readl');
  });

  it('a flag that does not apply to the strategy: a warning, not silence', () => {
    const r = run(
      'scenarios/toy.mjs',
      '--export',
      'fenced',
      '--strategy',
      'random',
      '--depth',
      '2',
      '--preemptions',
      '1',
      '--schedules',
      '20',
      '-q',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: --depth does not apply to --strategy random; ignored');
    expect(r.stderr).toContain('warning: --preemptions does not apply to --strategy random; ignored');
    const ex = run(
      'scenarios/toy.mjs',
      '--export',
      'fenced',
      '--strategy',
      'exhaustive',
      '--jobs',
      '2',
      '--preemptions',
      '0',
      '-q',
    );
    expect(ex.stderr).toContain('warning: --jobs does not apply to --strategy exhaustive; ignored');
    expect(ex.stderr).not.toContain('--preemptions does not apply');
  });

  it('exit 3 when the time budget ends the run without a finding', () => {
    const r = run('scenarios/toy.mjs', '--export', 'fenced', '--schedules', '100000000', '--time', '300', '-q');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('time budget spent');
  });
});

describe('quiesce-explore: shards and merge', () => {
  it('shards merged by the CLI equal the unsharded run; a missing shard is incomplete (exit 3)', () => {
    const files = [0, 1, 2].map((i) => join(dir, `shard-${i}.json`));
    files.forEach((f, i) => {
      const r = run(
        'scenarios/toy.mjs',
        '--export',
        'fenced',
        '--strategy',
        'exhaustive',
        '--shard',
        `${i}/3`,
        '--result',
        f,
        '-q',
      );
      expect(r.code).toBe(0);
    });
    const whole = run('scenarios/toy.mjs', '--export', 'fenced', '--strategy', 'exhaustive', '-q');
    const line = (s: string) =>
      s
        .split('\n')
        .find((l) => l.startsWith('result'))
        ?.replace(/^result\s+/, '');
    const merged = join(dir, 'merged.json');
    const m = run('merge', ...files, '--out', merged);
    expect(m.code).toBe(0);
    expect(line(m.stdout)).toBe(line(whole.stdout));
    expect(line(m.stdout)).toMatch(/^explored all \d+ schedules within bound 2: clean$/);
    const partial = run('merge', files[0] as string, files[1] as string);
    expect(partial.code).toBe(3);
    expect(partial.stdout).toContain('incomplete: shard 2 of 3 missing');
    expect(run('merge', join(dir, 'nope.json')).code).toBe(2);
  });

  it('--trace-out writes trace-event JSON and --ftrace prints the ftrace layout', () => {
    const trace = join(dir, 'trace.json');
    const r = run('scenarios/toy.mjs', '--trace-out', trace, '--ftrace', '-q');
    expect(r.code).toBe(1);
    const t = JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: { cat?: string }[] };
    expect(t.traceEvents.filter((e) => e.cat === 'report')).toHaveLength(1);
    expect(r.stdout).toMatch(/# tracer: quiesce/);
    expect(r.stdout).toMatch(/quiesce_report: use-after-remove toy BAR0/);
  });
});
