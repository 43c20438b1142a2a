// Issue 15: the bug × discipline matrix in benchmarks/results/bug-matrix.json
// (written by benchmarks/bug-matrix.mjs with 1,000 random + 1,000 PCT
// schedules per cell) has a verdict and its evidence in all 60 cells, and a
// sample of cells recomputed here with small budgets agrees with it.
import { readFileSync } from 'node:fs';
import { computeCell, MATRIX_DISCIPLINES, type MatrixCell, MEMORY_KINDS } from '@quiesce/edu-buggy';
import { FINDING_KIND_CLASS, findingKindsOfClass } from '@quiesce/explorer';
import { describe, expect, it } from 'vitest';

const file = new URL('../../benchmarks/results/bug-matrix.json', import.meta.url);
const matrix = JSON.parse(readFileSync(file, 'utf8')) as {
  schedulesPerStrategy: number;
  disciplines: { id: string; kernel: string }[];
  cells: MatrixCell[];
};
const VERDICTS = ['prevented', 'caught', 'silent', 'not expressible'];

describe('bug × discipline matrix', () => {
  it('has the six disciplines and a verdict with evidence in all 60 cells', () => {
    expect(matrix.disciplines.map((d) => d.id)).toEqual([
      'kernel-c',
      'fenced',
      'devres-access',
      'revocable',
      'srcu-device',
      'c-revocable',
    ]);
    expect(matrix.schedulesPerStrategy).toBe(1000);
    expect(matrix.cells).toHaveLength(60);
    for (let bug = 1; bug <= 10; bug++) {
      for (const id of MATRIX_DISCIPLINES) {
        const c = matrix.cells.find((x) => x.bug === bug && x.discipline === id);
        expect(c, `cell ${bug} ${id}`).toBeDefined();
        if (c === undefined) continue;
        expect(VERDICTS).toContain(c.verdict);
        expect(c.evidence.length, `cell ${bug} ${id} evidence`).toBeGreaterThan(10);
        if (c.verdict === 'silent' || (c.verdict === 'caught' && c.production !== undefined)) {
          expect(c.hit?.kind, `cell ${bug} ${id}`).toMatch(
            /use-after-remove|execute-after-free|callback-after-fence|double-release/,
          );
        }
        if (c.verdict === 'prevented') expect(c.schedules).toEqual({ random: 1000, pct: 1000 });
        if (c.verdict === 'not expressible') expect(c.notExpressible?.length ?? 0).toBeGreaterThan(10);
      }
    }
  });

  it("counts as memory-safety findings the four freed-memory-or-code kinds, each of the explorer's memory class", () => {
    // docs/disciplines.md's definition, written out: the committed verdicts were computed with these.
    expect([...MEMORY_KINDS]).toEqual([
      'use-after-remove',
      'execute-after-free',
      'callback-after-fence',
      'double-release',
    ]);
    for (const k of MEMORY_KINDS) expect(FINDING_KIND_CLASS[k], k).toBe('memory');
    // A subset, so the playground's "memory safety" choice (the whole class) covers every matrix cell.
    expect(findingKindsOfClass('memory')).toEqual(expect.arrayContaining([...MEMORY_KINDS]));
  });

  // Per discipline, the first cell (bug order) whose finding random search hit early: it replays exactly
  // within a budget just past its schedule (the verdict, kind, resource and schedule index all agree).
  const early = MATRIX_DISCIPLINES.flatMap((id) => {
    const c = matrix.cells.find((x) => x.discipline === id && x.hit?.strategy === 'random' && x.hit.schedule < 8);
    return c === undefined ? [] : [c];
  }).concat(
    matrix.cells.filter((x) => x.verdict === 'silent' && x.bug === 7 && x.hit?.strategy === 'random').slice(0, 1),
  );
  for (const c of early) {
    it(`recomputes bug ${c.bug} × ${c.discipline}: ${c.verdict} (${c.hit?.kind} at random #${c.hit?.schedule})`, async () => {
      const again = await computeCell(c.bug, c.discipline, (c.hit?.schedule ?? 0) + 1);
      expect(again.verdict).toBe(c.verdict);
      expect(again.hit?.kind).toBe(c.hit?.kind);
      expect(again.hit?.resource).toBe(c.hit?.resource);
      expect(again.hit?.schedule).toBe(c.hit?.schedule);
    });
  }

  const prevented = matrix.cells.find((c) => c.verdict === 'prevented' && c.discipline === 'srcu-device');
  if (prevented !== undefined)
    it(`recomputes bug ${prevented.bug} × ${prevented.discipline}: nothing in 15 + 15 schedules`, async () => {
      const again = await computeCell(prevented.bug, prevented.discipline, 15);
      expect(again.verdict).toBe('prevented');
    });

  it('the not-expressible cell stays so, with its reason', async () => {
    const again = await computeCell(9, 'kernel-c', 1);
    const c = matrix.cells.find((x) => x.bug === 9 && x.discipline === 'kernel-c');
    expect(again.verdict).toBe('not expressible');
    expect(again.notExpressible).toBe(c?.notExpressible);
  });
});
