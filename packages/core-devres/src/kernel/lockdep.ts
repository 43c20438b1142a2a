/**
 * lockdep, reduced to what drivers get wrong (kernel/locking/lockdep.c):
 * lock classes keyed by name, one dependency graph for the kernel's
 * lifetime, and a `possible-circular-locking` report on the first
 * acquisition that closes a cycle -- whether or not this schedule deadlocks
 * -- or that takes a class the context already holds (recursive locking).
 *
 * Besides mutexes and spinlocks, the teardown waits are "locks" here, as the
 * kernel's lockdep maps make them: running a work item holds its workqueue's
 * map and its own, running an hrtimer callback or an IRQ handler holds the
 * timer's or the IRQ's map, and `flush_work`/`cancel_work_sync`,
 * `flush_workqueue`/`destroy_workqueue`, `hrtimer_cancel` and `free_irq`
 * take the map for an instant ({@link Lockdep.touch}). Flushing under a lock
 * the work takes, or from the work itself, is then a cycle or a recursion.
 *
 * Deliberate differences: no irq-safety (hardirq-safe vs -unsafe) states, no
 * read/write locks, no subclasses (`mutex_lock_nested`); a report does not
 * turn lockdep off (each distinct cycle is reported once).
 *
 * # Invariants
 * - The graph is a DAG: an edge that would close a cycle is reported, not added.
 * - A context's held list is its task's (`Task.heldLocks`), or one list for
 *   atomic callbacks and code outside any task.
 * - Off (`Kernel.lockdep === null`) nothing here runs: lock primitives test one field.
 */
import type { ReportInput } from '../sanitizer/sanitizer.js';
import type { Contexts } from './context.js';
import { circularReport, recursiveReport } from './lockdep-report.js';
import { formatSite } from './wait-graph.js';

/** A lock class: every lock (or lockdep map) with this name. */
export interface LockClass {
  readonly name: string;
}

/** One entry of a context's held locks. */
export interface HeldLock {
  readonly cls: LockClass;
  /** The operation that took it (`mutex_lock`, `process_one_work`). */
  readonly op: string;
}

/** An acquisition being validated; `site` is its stack, captured only when a dependency or report needs it. */
export interface Acquisition extends HeldLock {
  site: Error | null | undefined;
}

/** A recorded dependency: `to` was taken while `from` was held. */
export interface LockDep {
  readonly from: LockClass;
  readonly to: LockClass;
  /** `name/pid` (or callback label) that took it first. */
  readonly by: string;
  readonly stack: string | undefined;
}

/** What lockdep needs from its kernel. */
export interface LockdepEnv {
  readonly ctx: Contexts;
  /** True when reports carry call traces. */
  stacks(): boolean;
  report(input: ReportInput): void;
}

/** The lock validator of one kernel. */
export class Lockdep {
  private readonly classes = new Map<string, LockClass>();
  private readonly after = new Map<LockClass, Map<LockClass, LockDep>>();
  private readonly reported = new Set<string>();
  private readonly atomicHeld: HeldLock[] = [];

  constructor(private readonly env: LockdepEnv) {}

  /** The class named `name` (`lockdep_set_class` by name), made on first use. */
  classOf(name: string): LockClass {
    let c = this.classes.get(name);
    if (c === undefined) {
      c = { name };
      this.classes.set(name, c);
    }
    return c;
  }

  /** Number of recorded dependencies (for tests and `/proc/lockdep_stats`-like summaries). */
  get dependencies(): number {
    let n = 0;
    for (const m of this.after.values()) n += m.size;
    return n;
  }

  /** The held list of the current context. */
  private held(): HeldLock[] {
    const t = this.env.ctx.current;
    if (t === null) return this.atomicHeld;
    if (t.heldLocks === null) t.heldLocks = [];
    return t.heldLocks;
  }

  private who(): string {
    const i = this.env.ctx.info();
    return i.kind === 'task' ? `${i.name}/${i.pid}` : i.kind === 'none' ? 'no task' : `${i.kind} ${i.name}`;
  }

  /**
   * `lock_acquire()`: validates taking `cls` in the current context, then
   * records it as held. `trylock` records it without dependencies (a trylock
   * cannot wait, as in the kernel). Context: any.
   */
  acquire(cls: LockClass, op: string, trylock = false): void {
    const held = this.held();
    if (!trylock) this.validate(held, { cls, op, site: undefined });
    held.push({ cls, op });
  }

  /** `lock_release()`: drops the newest held entry of `cls` (no report when absent). Context: any. */
  release(cls: LockClass): void {
    const held = this.held();
    for (let i = held.length - 1; i >= 0; i--) {
      if ((held[i] as HeldLock).cls === cls) {
        held.splice(i, 1);
        return;
      }
    }
  }

  /**
   * `lock_map_acquire(); lock_map_release();`: a wait for what holds `cls`
   * (a flush, a cancel that waits, `free_irq`), validated as an acquisition.
   * Context: any.
   */
  touch(cls: LockClass, op: string): void {
    this.validate(this.held(), { cls, op, site: undefined });
  }

  /** The stack of `a`, captured on first need (this is still inside its acquisition). */
  private site(a: Acquisition): Error | null {
    if (a.site === undefined) a.site = this.env.stacks() ? new Error(a.op) : null;
    return a.site;
  }

  private validate(held: readonly HeldLock[], next: Acquisition): void {
    for (const h of held) {
      if (h.cls !== next.cls) continue;
      this.site(next);
      this.fileOnce(`recursive ${next.cls.name}`, () => recursiveReport(this.who(), h, next));
      return;
    }
    for (const h of held) this.addDep(h, next);
  }

  private addDep(prev: HeldLock, next: Acquisition): void {
    let out = this.after.get(prev.cls);
    if (out?.has(next.cls)) return;
    const chain = this.path(next.cls, prev.cls);
    this.site(next);
    if (chain !== null) {
      const cycle = [prev.cls, next.cls, ...chain.map((d) => d.to).slice(0, -1)];
      this.fileOnce(cycleKey(cycle), () => ({
        ...circularReport(this.who(), prev, next, chain),
        resource: cycleKey(cycle),
      }));
      return;
    }
    if (out === undefined) {
      out = new Map();
      this.after.set(prev.cls, out);
    }
    out.set(next.cls, { from: prev.cls, to: next.cls, by: this.who(), stack: formatSite(this.site(next)) });
  }

  /** The dependencies leading from `from` to `to` (breadth-first), or null. */
  private path(from: LockClass, to: LockClass): LockDep[] | null {
    const via = new Map<LockClass, LockDep | null>([[from, null]]);
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
      const c = queue[i] as LockClass;
      if (c === to) {
        const chain: LockDep[] = [];
        for (let d = via.get(c); d != null; d = via.get(d.from)) chain.unshift(d);
        return chain;
      }
      for (const [n, d] of this.after.get(c) ?? []) {
        if (via.has(n)) continue;
        via.set(n, d);
        queue.push(n);
      }
    }
    return null;
  }

  private fileOnce(key: string, build: () => ReportInput): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.env.report(build());
  }
}

/** A lock cycle's dedup key: its class names rotated to start at the smallest. */
function cycleKey(cycle: readonly LockClass[]): string {
  const names = cycle.map((c) => c.name);
  let best = 0;
  for (let i = 1; i < names.length; i++) if ((names[i] as string) < (names[best] as string)) best = i;
  return [...names.slice(best), ...names.slice(0, best)].join(' -> ');
}
