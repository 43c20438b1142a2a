/**
 * The operation census (docs/design.md §9): an exact count of the kernel
 * primitives a path executes, so that a cost model can turn them into
 * projected kernel time. The simulation is deterministic, so the counts do
 * not depend on machine load.
 *
 * Switched per kernel (`new Kernel({ census: true })`); off by default, and
 * then free: subsystems hold `kernel.census === null` and either skip a
 * single null check on cold paths, or (on the MMIO and `tryAccess` hot paths)
 * install counting accessors only when the census is on, so the live hot path
 * of a census-off kernel has no added instruction.
 *
 * A path is a time window, not a task: `begin('work item')` … `end()` counts
 * everything the kernel executes in between, on every CPU and in every task
 * (the kworker's wake-up and context switch belong to a work item's cost).
 * Windows nest; an op counts in every open window.
 */
import { badArg } from '../kernel/validate.js';

/** Every primitive the census counts, in kernel names. */
export const CENSUS_OPS = [
  'rcu_read_lock',
  'rcu_read_unlock',
  'srcu_read_lock',
  'srcu_read_unlock',
  'atomic_load',
  'atomic_rmw',
  'barrier',
  'check',
  'mmio_read',
  'mmio_write',
  'spin_lock',
  'spin_unlock',
  'spin_lock_irqsave',
  'spin_unlock_irqrestore',
  'mutex_lock',
  'mutex_unlock',
  'wake_up',
  'context_switch',
  'ipi',
  'irq',
  'syscall',
  'timer_arm',
  'timer_cancel',
  'synchronize_rcu',
  'synchronize_rcu_expedited',
  'synchronize_srcu',
  'synchronize_srcu_expedited',
  'call_rcu',
  'gp_rcu',
  'gp_srcu',
] as const;

/** One counted primitive. `check` is a plain load-compare-branch (no atomic); `gp_*` a grace period waited. */
export type CensusOp = (typeof CENSUS_OPS)[number];

/** Counts of the ops that occurred (absent = 0). */
export type CensusCounts = Partial<Record<CensusOp, number>>;

const INDEX = new Map<string, number>(CENSUS_OPS.map((op, i) => [op, i]));

interface Span {
  readonly path: string;
  readonly counts: Float64Array;
}

function toCounts(a: Float64Array): CensusCounts {
  const out: CensusCounts = {};
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) out[CENSUS_OPS[i] as CensusOp] = a[i] as number;
  return out;
}

/** The census of one kernel: open windows and the running total per path. */
export class Census {
  private readonly open: Span[] = [];
  private readonly totals = new Map<string, Float64Array>();

  /**
   * Counts `n` executions of `op` in every open window. Outside any window
   * the op is dropped (nothing asked for it). Context: any.
   * Errors: a `TypeError` for an op the census does not know.
   */
  count(op: CensusOp, n = 1): void {
    if (this.open.length === 0) return;
    const i = INDEX.get(op);
    if (i === undefined) throw new TypeError(`Census.count: unknown op ${JSON.stringify(op)}`);
    for (const s of this.open) (s.counts[i] as number) += n;
  }

  /** Counts one execution of each of `ops` (a lock and its unlock at one site). Context: any. */
  countAll(...ops: CensusOp[]): void {
    for (const op of ops) this.count(op);
  }

  /** Opens a window counted under `path` (nests). Context: any. */
  begin(path: string): void {
    if (typeof path !== 'string' || path === '') throw new TypeError(`Census.begin: path must be a non-empty string`);
    this.open.push({ path, counts: new Float64Array(CENSUS_OPS.length) });
  }

  /**
   * Closes the innermost window, adds it to its path's total, and returns
   * the window's counts. Errors: an `Error` when no window is open.
   */
  end(): CensusCounts {
    const s = this.open.pop();
    if (s === undefined) throw new Error('Census.end: no open window (begin() first)');
    let t = this.totals.get(s.path);
    if (t === undefined) {
      t = new Float64Array(CENSUS_OPS.length);
      this.totals.set(s.path, t);
    }
    for (let i = 0; i < t.length; i++) (t[i] as number) += s.counts[i] as number;
    return toCounts(s.counts);
  }

  /** The innermost open path, or null. */
  get currentPath(): string | null {
    return this.open.at(-1)?.path ?? null;
  }

  /** Totals of every closed window, per path. */
  paths(): Record<string, CensusCounts> {
    const out: Record<string, CensusCounts> = {};
    for (const [p, a] of this.totals) out[p] = toCounts(a);
    return out;
  }

  /** Forgets every total (open windows stay open). */
  reset(): void {
    this.totals.clear();
  }
}

/** Anything with a census slot (a `Kernel`); structural, so this file does not import the kernel. */
export interface HasCensus {
  readonly census: Census | null;
}

/**
 * Runs `fn` inside a census window `path` of `k` and returns its value with
 * the window's counts. An async `fn` is awaited (the window stays open across
 * its sleeps, as for a path that spans a run of the kernel).
 * Errors: a `TypeError` when `k` is not a Kernel; an `Error` when `k` was
 * made without `{ census: true }`; `fn`'s error
 * (the window is closed first).
 */
export function censusOf<T>(
  k: HasCensus,
  path: string,
  fn: () => Promise<T>,
): Promise<{ value: T; counts: CensusCounts }>;
export function censusOf<T>(k: HasCensus, path: string, fn: () => T): { value: T; counts: CensusCounts };
export function censusOf<T>(
  k: HasCensus,
  path: string,
  fn: () => T | Promise<T>,
): { value: T; counts: CensusCounts } | Promise<{ value: T; counts: CensusCounts }> {
  // Structural (kernel.ts imports this file): a Kernel's census slot is a Census or null.
  const c = typeof k === 'object' && k !== null ? k.census : undefined;
  if (c !== null && !(c instanceof Census)) throw badArg('censusOf', 'k', 'a Kernel', k);
  if (c === null) throw new Error(`censusOf(${path}): the kernel was made without { census: true }`);
  c.begin(path);
  let v: T | Promise<T>;
  try {
    v = fn();
  } catch (e) {
    c.end();
    throw e;
  }
  if (v instanceof Promise) {
    return v.then(
      (value) => ({ value, counts: c.end() }),
      (e: unknown) => {
        c.end();
        throw e;
      },
    );
  }
  return { value: v, counts: c.end() };
}
