// The benchmark report's harness, end to end in --quick mode: every suite runs
// in a fresh process and REPORT.md, report.json and one SVG per suite appear
// where asked (--out), and the committed reference results are left alone.
// Timings are not asserted (performance is never a timed test).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('benchmark report --quick', () => {
  // Needs the built packages: the root `test` script builds first.
  it('writes REPORT.md, report.json and an SVG per suite to --out, not to the reference results', () => {
    const reference = `${root}benchmarks/results/`;
    const before = snapshot(reference);
    const out = `${mkdtempSync(`${tmpdir()}/quiesce-bench-`)}/`;
    try {
      execFileSync(process.execPath, ['benchmarks/run.mjs', '--quick', '--out', out], {
        cwd: root,
        stdio: 'pipe',
        timeout: 240_000,
      });
      checkReport(out);
      expect(snapshot(reference)).toEqual(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);

  it('writes by default to a git-ignored folder (run report leaves the checkout clean)', () => {
    for (const f of ['benchmarks/out/REPORT.md', 'benchmarks/out/quick/report.json']) {
      // git check-ignore exits 0 when the path is ignored, 1 when it is not.
      expect(() => execFileSync('git', ['check-ignore', '-q', f], { cwd: root })).not.toThrow();
    }
    expect(() => execFileSync('git', ['check-ignore', '-q', 'benchmarks/results/REPORT.md'], { cwd: root })).toThrow();
  });

  it('refuses --update-reference with --quick (a harness check is no reference)', () => {
    const before = snapshot(`${root}benchmarks/results/`);
    let status = 0;
    try {
      execFileSync(process.execPath, ['benchmarks/run.mjs', '--quick', '--update-reference'], {
        cwd: root,
        stdio: 'pipe',
      });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
    expect(snapshot(`${root}benchmarks/results/`)).toEqual(before);
  });
});

/** File name -> contents of every file directly in `dir`. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => [d.name, readFileSync(`${dir}${d.name}`, 'utf8')]),
  );
}

/** The --quick report in `out` has every suite, a finite figure per row and an SVG per suite. */
function checkReport(out: string): void {
  const suites = readdirSync(`${root}benchmarks/suites`).filter((f) => f.endsWith('.bench.mjs'));
  const report = JSON.parse(readFileSync(`${out}report.json`, 'utf8')) as {
    env: { node: string; quick: boolean };
    suites: { file: string; rows: { nsPerOp: number; samples: number; ratio: number }[] }[];
  };
  expect(report.env.quick).toBe(true);
  expect(report.suites.map((s) => s.file).sort()).toEqual([...suites].sort());
  for (const s of report.suites) {
    expect(s.rows.length).toBeGreaterThan(0);
    for (const r of s.rows) {
      expect(Number.isFinite(r.nsPerOp) && r.nsPerOp > 0).toBe(true);
      expect(r.samples).toBeGreaterThan(0);
    }
    expect(readFileSync(`${out}${s.file.replace('.bench.mjs', '.svg')}`, 'utf8')).toMatch(/^<svg /);
  }
  const md = readFileSync(`${out}REPORT.md`, 'utf8');
  expect(md).toContain(report.env.node);
  for (const s of report.suites) expect(md).toContain(`Suite \`${s.file}\``);
}
