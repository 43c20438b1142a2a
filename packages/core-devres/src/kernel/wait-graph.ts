/**
 * The wait-for graph (docs/design.md §5): a blocked task waits for a
 * resource, a resource is held by tasks (a mutex by its owner, a flush by the
 * kworker running the work, a `synchronize_srcu` by the readers inside). The
 * moment a task blocks and closes a cycle, every task on it waits for ever
 * whatever timers keep firing: a `deadlock` report, filed then, naming each
 * task, what it holds and waits for, when it blocked and where.
 *
 * No kernel file does this (lockdep predicts, the hung-task detector notices
 * late); it is the check `run()` could only make when the world went idle.
 *
 * # Invariants
 * - Edges exist only from blocked, non-idle tasks with a `waitFor` target;
 *   an atomic callback is never a holder (it always runs to completion).
 * - One cycle, one report per kernel: the key is the cycle's resources,
 *   rotated to start at the smallest name (no pids, no task order).
 */
import type { ReportInput } from '../sanitizer/sanitizer.js';
import type { Task } from './task.js';

/** What a blocked task waits for: a resource and the tasks whose progress it needs. */
export interface WaitTarget {
  /** The resource, named without pids (`mutex io_lock`, `flush_work edu_work`). */
  readonly resource: string;
  /** Tasks that must progress for the wait to end (the mutex owner, the kworker running the work). */
  holders(): Iterable<Task>;
  /** The wait ends by itself (a timeout is armed): never stuck, never a cycle edge. */
  readonly timed?: boolean;
}

/** A target with no holders, for waits that end by a timeout. */
export function timedTarget(resource: string): WaitTarget {
  return { resource, holders: () => [], timed: true };
}

function waits(t: Task): boolean {
  return t.state === 'blocked' && !t.idle && t.waitFor !== null;
}

/**
 * The cycle `start` closes, as the tasks on it in wait order (`start` first,
 * each waiting for a resource the next one holds), or null. Depth-first over
 * the current waits; O(tasks + edges).
 */
export function findCycle(start: Task): Task[] | null {
  const path: Task[] = [];
  const seen = new Set<Task>();
  const visit = (t: Task): boolean => {
    path.push(t);
    seen.add(t);
    for (const h of (t.waitFor as WaitTarget).holders()) {
      if (h === start) return true;
      if (!seen.has(h) && waits(h) && visit(h)) return true;
    }
    path.pop();
    return false;
  };
  return waits(start) && visit(start) ? path : null;
}

/** The dedup key of a cycle: its resources in wait order, rotated to the smallest. */
export function cycleKey(cycle: readonly Task[]): string {
  const names = cycle.map((t) => (t.waitFor as WaitTarget).resource);
  let best = 0;
  for (let i = 1; i < names.length; i++) if ((names[i] as string) < (names[best] as string)) best = i;
  return [...names.slice(best), ...names.slice(0, best)].join(' -> ');
}

/** Formats a stack captured with `new Error()` like the sanitizer's call traces. */
export function formatSite(e: Error | null): string | undefined {
  const s = e?.stack;
  if (s === undefined) return undefined;
  const lines = s.split('\n').slice(1);
  // Drop the checker's own frames: the first frame is the caller's.
  let first = 0;
  while (first < lines.length && /\b(Lockdep|BlockWatch)\.|\bKernel\.block\b/.test(lines[first] as string)) first++;
  return lines
    .slice(first)
    .filter((l) => !l.includes('node:internal'))
    .slice(0, 12)
    .map((l) => l.trim().replace(/^at /, ''))
    .join('\n');
}

/** `name/pid`. */
export function who(t: Task): string {
  return `${t.name}/${t.pid}`;
}

/** The `deadlock` report for `cycle` (see {@link findCycle}). */
export function cycleReport(cycle: readonly Task[]): ReportInput {
  const n = cycle.length;
  const lines = cycle.map((t, i) => {
    const held = (cycle[(i + n - 1) % n] as Task).waitFor as WaitTarget;
    const wanted = t.waitFor as WaitTarget;
    return `${who(t)} holds ${held.resource} and waits for ${wanted.resource} (blocked at ${t.blockedAt} ns)`;
  });
  const tasks = cycle.map((t) => ({ task: who(t), stack: formatSite(t.blockSite) ?? '' }));
  return {
    kind: 'deadlock',
    title: `INFO: deadlock: ${n} task(s) wait for each other: ${cycle.map(who).join(', ')}`,
    resource: cycleKey(cycle),
    detail: lines.join('\n'),
    stacks: tasks[0]?.stack ? { tasks } : {},
  };
}
