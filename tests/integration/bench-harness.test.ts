// The benchmark report's harness, end to end in --quick mode: every suite runs
// in a fresh process and REPORT.md, report.json and one SVG per suite appear.
// Timings are not asserted (performance is never a timed test).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('benchmark report --quick', () => {
  // Needs the built packages: the root `test` script builds first.
  it('writes REPORT.md, report.json and an SVG per suite', () => {
    execFileSync(process.execPath, ['benchmarks/run.mjs', '--quick'], { cwd: root, stdio: 'pipe', timeout: 240_000 });
    const out = `${root}benchmarks/results/quick/`;
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
  }, 300_000);
});
