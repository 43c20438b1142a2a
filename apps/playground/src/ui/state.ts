/**
 * The page's state and the transitions on it (src/ui/app.ts drives them from
 * events; the views in src/ui/*.ts render it). Kept apart from the DOM so the
 * UI's behaviour is testable in Node against a fake {@link Engine}.
 */
import type { Catalogue, Progress, RunRequest, RunResult, StrategyId, TeardownId } from '../engine/api.js';
import { choiceOf, kindsOf } from './kinds.js';

export type Tab = 'explore' | 'matrix' | 'report';

/** What the form holds; `bug` null is the correct driver. */
export interface Selection {
  discipline: string;
  bug: number | null;
  teardown: TeardownId;
  strategy: StrategyId;
  budget: number;
  seed: number;
  workers: number;
  /** Which findings count: `all`, `memory` or one kind (src/ui/kinds.ts). */
  kinds: string;
  /** Exhaustive only: the preemption bound. */
  bound: number;
}

export interface AppState {
  tab: Tab;
  selection: Selection;
  running: boolean;
  progress: Progress | null;
  result: RunResult | null;
  /** Index into the finding's steps for step-through. */
  step: number;
  /** The last error (bad replay file, engine failure), shown in an alert region. */
  error: string | null;
  /** Where the result came from: a run of the form, a matrix cell, a replay file. */
  source: 'form' | 'matrix' | 'report' | 'replay' | null;
  /** Counts runs and replays started; the result shows it (`data-run`), so a test tells a new result from the last. */
  runs: number;
  /** The timeline's zoom factor (src/ui/timeline.ts ZOOMS); 1 shows the whole run. */
  zoom: number;
}

/** Budget bounds the form accepts (schedules, or the exhaustive bound). */
export const BUDGET_MIN = 1;
export const BUDGET_MAX = 1_000_000;
/** Preemption bounds the form accepts for exhaustive search (the CLI's default is 2). */
export const BOUND_MAX = 8;

/** The request a selection describes. */
export function requestOf(sel: Selection): RunRequest {
  return {
    discipline: sel.discipline,
    bug: sel.bug,
    teardown: sel.teardown,
    strategy: sel.strategy,
    budget: sel.budget,
    seed: sel.seed,
    workers: sel.workers,
    ...(sel.strategy === 'exhaustive' ? { bound: sel.bound } : {}),
    ...(kindsOf(sel.kinds) !== undefined ? { kinds: kindsOf(sel.kinds) as string[] } : {}),
  };
}

/** The selection a request (from a matrix cell, the report table, a replay) describes, over defaults. */
export function selectionOf(req: RunRequest, base: Selection): Selection {
  return {
    discipline: req.discipline,
    bug: req.bug,
    teardown: req.teardown,
    strategy: req.strategy,
    budget: req.budget,
    seed: req.seed ?? base.seed,
    workers: req.workers ?? base.workers,
    kinds: choiceOf(req.kinds),
    bound: req.bound ?? base.bound,
  };
}

/**
 * Parses a form field into the selection. Numbers outside their range are
 * clamped (an `<input type=number>` can hold anything while typed).
 *
 * Returns: the new selection; `TypeError` for an unknown field name.
 */
export function updateSelection(sel: Selection, field: string, raw: string): Selection {
  const int = (lo: number, hi: number, fallback: number): number => {
    const n = Math.trunc(Number(raw));
    return Number.isFinite(n) && raw.trim() !== '' ? Math.min(hi, Math.max(lo, n)) : fallback;
  };
  switch (field) {
    case 'discipline':
      return { ...sel, discipline: raw };
    case 'bug':
      return { ...sel, bug: raw === '' || raw === 'none' ? null : int(1, 99, sel.bug ?? 1) };
    case 'teardown':
      return { ...sel, teardown: raw as TeardownId };
    case 'strategy':
      return { ...sel, strategy: raw as StrategyId };
    case 'budget':
      return { ...sel, budget: int(BUDGET_MIN, BUDGET_MAX, sel.budget) };
    case 'seed':
      return { ...sel, seed: int(0, 0xffff_ffff, sel.seed) };
    case 'workers':
      return { ...sel, workers: int(1, 64, sel.workers) };
    case 'bound':
      return { ...sel, bound: int(0, BOUND_MAX, sel.bound) };
    case 'kinds':
      kindsOf(raw); // TypeError for a choice the form does not offer
      return { ...sel, kinds: raw };
    default:
      throw new TypeError(`updateSelection(): unknown field ${JSON.stringify(field)}`);
  }
}

/** Clamps a step index into a finding's steps (0 when there are none). */
export function clampStep(i: number, count: number): number {
  return count === 0 ? 0 : Math.min(count - 1, Math.max(0, i));
}

/**
 * The selection a link names: `#discipline=fenced&bug=4&teardown=unbind&strategy=random&budget=200&seed=1`
 * (`bug=none` for the correct driver; also `workers`, `bound`, and `kinds`:
 * `all`, `memory` or one finding kind). Ids the catalogue lacks and numbers
 * out of range are dropped, so a stale link opens with defaults.
 *
 * Returns: the fields the hash sets.
 */
export function selectionFromHash(hash: string, cat: Catalogue): Partial<Selection> {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const out: Partial<Selection> = {};
  const d = q.get('discipline');
  if (d && cat.disciplines.some((x) => x.id === d)) out.discipline = d;
  const b = q.get('bug');
  if (b === 'none') out.bug = null;
  else if (b && cat.mistakes.some((m) => String(m.bug) === b)) out.bug = Number(b);
  const t = q.get('teardown');
  const td = cat.teardowns.find((x) => x.id === t);
  if (td) out.teardown = td.id;
  const st = cat.strategies.find((x) => x.id === q.get('strategy'));
  if (st) out.strategy = st.id;
  const num = (k: string, lo: number, hi: number): number | undefined => {
    const v = q.get(k);
    const n = v === null || v.trim() === '' ? Number.NaN : Number(v);
    return Number.isInteger(n) && n >= lo && n <= hi ? n : undefined;
  };
  const budget = num('budget', BUDGET_MIN, BUDGET_MAX);
  if (budget !== undefined) out.budget = budget;
  const seed = num('seed', 0, 0xffff_ffff);
  if (seed !== undefined) out.seed = seed;
  const workers = num('workers', 1, 64);
  if (workers !== undefined) out.workers = workers;
  const bound = num('bound', 0, BOUND_MAX);
  if (bound !== undefined) out.bound = bound;
  const kinds = q.get('kinds');
  if (kinds !== null) {
    try {
      kindsOf(kinds);
      out.kinds = kinds;
    } catch {
      // a kind this version does not know: every kind
    }
  }
  return out;
}

/**
 * The link hash of a selection, the inverse of {@link selectionFromHash}:
 * the page keeps its address on the form, so a copied link opens the same
 * scenario. `workers` is left out (it is the reader's machine), `bound` too
 * unless the search is exhaustive.
 */
export function hashOf(sel: Selection): string {
  const q = new URLSearchParams();
  q.set('discipline', sel.discipline);
  q.set('bug', sel.bug === null ? 'none' : String(sel.bug));
  q.set('teardown', sel.teardown);
  q.set('strategy', sel.strategy);
  q.set('budget', String(sel.budget));
  q.set('seed', String(sel.seed));
  q.set('kinds', sel.kinds);
  if (sel.strategy === 'exhaustive') q.set('bound', String(sel.bound));
  return `#${q.toString()}`;
}
