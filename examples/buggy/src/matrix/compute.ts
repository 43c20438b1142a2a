/**
 * Computing one cell of the bug × discipline matrix (docs/disciplines.md has
 * the definitions this implements):
 *
 * 1. Ground truth: the explorer runs the cell's world with the sanitizer in
 *    `report` mode, `schedules` random then `schedules` PCT schedules,
 *    stopping at the first finding. No finding in either: **prevented**.
 * 2. A finding of a memory-safety kind (freed memory or code used:
 *    use-after-remove, execute-after-free, callback-after-fence,
 *    double-release) is replayed, same decisions and seed, with the
 *    sanitizer `off`: production. If the run oopses there (the access hit a
 *    dead handle and faulted, or an error escaped), the discipline made the
 *    mistake visible: **caught**. If production runs on with nothing to say,
 *    freed memory or code was used silently: **silent**.
 * 3. Only other findings (a leak at unbind, a WARN, a hang): the exploration
 *    is repeated for memory-safety kinds alone; if it finds none, the mistake
 *    did no damage but a check said so: **caught** by that report.
 */
import { Kernel } from '@quiesce/core-devres';
import type { EduScenario } from '@quiesce/edu-driver';
import { explore, type FindingKind, type FoundBug } from '@quiesce/explorer';
import { type MatrixCellSpec, matrixCell } from './cells.js';

/**
 * Finding kinds that mean freed memory or freed code was used: the kinds a
 * discipline's mistake produces when a driver touches what its unbind
 * freed. A subset of the explorer's `memory` class (docs/explorer.md, "Kinds
 * and classes"; tests/integration/bug-matrix.test.ts checks it), not all of
 * it: the class also holds the slab and kfree errors (use-after-free,
 * slab-out-of-bounds, double-free, invalid-free) that no matrix mistake
 * makes, and the committed verdicts (docs/disciplines.md) were computed with
 * these four. The playground's "memory safety" filter is the whole class.
 */
export const MEMORY_KINDS: readonly FindingKind[] = [
  'use-after-remove',
  'execute-after-free',
  'callback-after-fence',
  'double-release',
];

export type Verdict = 'prevented' | 'caught' | 'silent' | 'not expressible';

/** Where a finding came from. */
export interface CellHit {
  strategy: 'random' | 'pct';
  /** Index of the first schedule that hit it (0-based) within that strategy's budget. */
  schedule: number;
  seed: number;
  kind: string;
  resource: string;
  title: string;
  decisions: number;
}

export interface MatrixCell {
  bug: number;
  discipline: string;
  mistake: string;
  verdict: Verdict;
  /** One line a reader can check. */
  evidence: string;
  /** Schedules run per strategy (both full when prevented). */
  schedules: { random: number; pct: number };
  /** The memory-safety finding (caught / silent), or the diagnostic one (caught by a check). */
  hit?: CellHit;
  /** Production replay of `hit` (sanitizer off): `oops: …` or `no oops`. */
  production?: string;
  notExpressible?: string;
}

async function firstHit(
  sc: EduScenario,
  schedules: number,
  kinds: readonly FindingKind[] | undefined,
  ran: { random: number; pct: number },
): Promise<{ hit: CellHit; bug: FoundBug } | null> {
  for (const strategy of ['random', 'pct'] as const) {
    const r = await explore(sc, { strategy, schedules, shrink: false, ...(kinds ? { kinds } : {}) });
    ran[strategy] = Math.max(ran[strategy], r.schedules);
    const bug = r.findings[0];
    if (bug === undefined) continue;
    const f = bug.finding;
    const hit = {
      strategy,
      schedule: bug.schedule,
      seed: bug.seed,
      kind: f.kind,
      resource: f.resource,
      title: f.title,
      decisions: bug.decisions.length,
    };
    return { hit, bug };
  }
  return null;
}

/** Replays `bug` with the sanitizer off. Returns `oops: …` or `no oops`. Context: outside the simulation. */
export async function productionReplay(sc: EduScenario, bug: FoundBug): Promise<string> {
  const k = new Kernel({
    ...sc.kernel,
    seed: bug.seed,
    strategy: 'fifo',
    replay: bug.decisions,
    sanitizer: 'off',
    trace: false,
    maxSteps: 1_000_000,
  });
  try {
    sc.setup(k);
    await k.runFor(sc.runFor);
  } catch (e) {
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (msg.includes('replay diverged')) return `no oops before the run diverged (${msg.slice(0, 80)})`;
    return `oops: ${msg.slice(0, 160)}`;
  }
  return `no oops (${k.sanitizer.suppressed} suppressed report(s))`;
}

function where(h: CellHit): string {
  return `${h.kind} (${h.resource}) at ${h.strategy} schedule ${h.schedule}`;
}

/** Computes the cell of `bug` in discipline `id` with `schedules` per strategy. Context: outside the simulation. */
export async function computeCell(bug: number, id: string, schedules = 1000): Promise<MatrixCell> {
  const spec: MatrixCellSpec = matrixCell(bug, id);
  const base = { bug, discipline: id, mistake: spec.mistake };
  const ran = { random: 0, pct: 0 };
  if (spec.scenario === null) {
    const why = spec.notExpressible ?? '';
    return { ...base, verdict: 'not expressible', evidence: why, schedules: ran, notExpressible: why };
  }
  const sc = spec.scenario;
  const any = await firstHit(sc, schedules, undefined, ran);
  if (any === null)
    return {
      ...base,
      verdict: 'prevented',
      evidence: `no report in ${ran.random} random + ${ran.pct} PCT schedules`,
      schedules: ran,
    };
  const mem = MEMORY_KINDS.includes(any.hit.kind as FindingKind)
    ? any
    : await firstHit(sc, schedules, MEMORY_KINDS, ran);
  if (mem === null)
    return {
      ...base,
      verdict: 'caught',
      evidence: `${where(any.hit)}; no memory-safety report in ${ran.random} random + ${ran.pct} PCT schedules`,
      schedules: ran,
      hit: any.hit,
    };
  const production = await productionReplay(sc, mem.bug);
  const caught = production.startsWith('oops');
  return {
    ...base,
    verdict: caught ? 'caught' : 'silent',
    evidence: `${where(mem.hit)}; production (sanitizer off): ${production}`,
    schedules: ran,
    hit: mem.hit,
    production,
  };
}
