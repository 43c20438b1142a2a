// The page's static data against its sources: DISCIPLINES, the catalogue
// (docs/bug-catalogue.md: 10 bugs), benchmarks/results/bug-matrix.json and
// the report's first table.
import { readFileSync } from 'node:fs';
import { DISCIPLINES } from '@quiesce/edu-driver';
import { describe, expect, it } from 'vitest';
import { catalogue, matrixView, reportTableView } from '../src/engine/catalogue.js';

const matrixJson = JSON.parse(
  readFileSync(new URL('../../../benchmarks/results/bug-matrix.json', import.meta.url), 'utf8'),
) as { cells: { bug: number; discipline: string; verdict: string; notExpressible?: string }[] };

describe('catalogue', () => {
  it('offers the six disciplines, the ten bugs, three teardowns and three strategies', () => {
    const c = catalogue();
    expect(c.disciplines.map((d) => d.id)).toEqual(DISCIPLINES.map((d) => d.id));
    expect(c.mistakes.map((m) => m.bug)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(c.mistakes[3]?.title).toBe('Self-requeueing work survives a non-sync cancel');
    expect(c.mistakes[3]?.mistake).toBe('the self-requeueing work is cancelled without waiting');
    expect(c.teardowns.map((t) => t.id)).toEqual(['unbind', 'rmmod', 'surprise']);
    expect(c.strategies.map((s) => s.id)).toEqual(['random', 'pct', 'exhaustive']);
  });

  it('the matrix view has every cell of bug-matrix.json in its place', () => {
    const m = matrixView();
    expect(m.disciplines).toEqual(DISCIPLINES.map((d) => d.id));
    expect(m.rows).toHaveLength(10);
    for (const row of m.rows) {
      expect(row.cells).toHaveLength(6);
      for (const cell of row.cells) {
        const src = matrixJson.cells.find((c) => c.bug === row.bug && c.discipline === cell.discipline);
        expect(cell.verdict).toBe(src?.verdict);
      }
    }
    const ne = m.rows[8]?.cells[0];
    expect(ne).toMatchObject({ discipline: 'kernel-c', verdict: 'not expressible' });
    expect(ne?.detail).toMatch(/registers nothing on devres/);
  });

  it('the report table is REPORT.md’s first table, one row per discipline, each running it', () => {
    const t = reportTableView();
    expect(t.columns[0]).toBe('discipline');
    expect(t.columns[1]).toBe('bugs prevented');
    expect(t.rows.map((r) => r.run?.discipline)).toEqual(DISCIPLINES.map((d) => d.id));
    expect(t.rows[0]?.label).toBe('raw (kernel-c)');
    expect(t.rows[1]?.label).toBe('fenced');
    for (const r of t.rows) expect(r.cells).toHaveLength(t.columns.length - 1);
  });

  it('refuses a report whose table does not have a row per discipline', () => {
    expect(() => reportTableView('# r\n\n| a | b |\n| --- | --- |\n| x | y |\n')).toThrow(/expected 6 discipline rows/);
    expect(() => reportTableView('no table')).toThrow(/no table/);
  });
});
