/**
 * Watching blocked tasks (docs/design.md §5): every wait is stamped (time,
 * stack) when it begins and checked against the wait-for graph at once; the
 * hung-task detector (kernel/hung_task.c) reports a task in uninterruptible
 * sleep for more than `hung_task_timeout_secs` of virtual time; and a task
 * still blocked when the run or scenario ends is reported, never passed as
 * clean.
 *
 * # Invariants
 * - `deadline` is ≤ the earliest time a blocked, unreported task can turn
 *   hung (it may be earlier: a woken task's deadline is dropped lazily by
 *   the next scan). The run loop never jumps the clock past it unscanned.
 * - Each wait is reported at most once (deadlock cycle, hung task or stuck
 *   at the end): `Task.hungReported`, reset when the task blocks again.
 * - With the sanitizer off nothing is captured, checked or scanned.
 */
import type { ReportInput, SanitizerMode } from '../sanitizer/sanitizer.js';
import type { Clock } from './clock.js';
import type { Task } from './task.js';
import { cycleKey, cycleReport, findCycle, formatSite, type WaitTarget, who } from './wait-graph.js';

/** What the watcher needs from its kernel. */
export interface WatchEnv {
  readonly clock: Clock;
  readonly tasks: ReadonlySet<Task>;
  mode(): SanitizerMode;
  report(input: ReportInput): void;
  trace(ev: string, detail: string): void;
}

/** A blocked task's wait, named without pids (`mutex io_lock`, `join probe`). */
export function waitResource(t: Task): string {
  return t.waitFor?.resource ?? (t.waitingOn ?? '?').replace(/\/\d+\b/g, '');
}

function stuck(t: Task): boolean {
  return t.state === 'blocked' && !t.idle && !t.hungReported;
}

/** The blocked-task watcher of one kernel. */
export class BlockWatch {
  /** Earliest virtual time a scan can find a hung task (+Infinity: none). */
  deadline = Number.POSITIVE_INFINITY;
  private readonly cycles = new Set<string>();

  constructor(
    private readonly env: WatchEnv,
    /** `hung_task_timeout_secs` in ns; 0 disables the detector. */
    readonly timeoutNs: number,
  ) {}

  /** Stamps the wait `t` just began and checks whether it closes a wait-for cycle. */
  onBlock(t: Task, target: WaitTarget | null): void {
    t.waitFor = target;
    t.blockedAt = this.env.clock.nowNs;
    t.hungReported = false;
    const mode = this.env.mode();
    if (mode === 'off') return;
    // A timed wait ends by itself: its stack is never needed for a cycle, and
    // capturing one per msleep would cost every sleeping loop.
    const timed = target !== null && target.timed === true;
    t.blockSite = !timed && (mode === 'report' || mode === 'panic') ? new Error('blocked') : null;
    if (this.timeoutNs > 0 && t.blockedAt + this.timeoutNs < this.deadline) {
      this.deadline = t.blockedAt + this.timeoutNs;
    }
    if (target !== null && !target.timed) this.checkCycle(t);
  }

  private checkCycle(t: Task): void {
    const cycle = findCycle(t);
    if (cycle === null) return;
    for (const c of cycle) c.hungReported = true;
    const key = cycleKey(cycle);
    if (this.cycles.has(key)) return;
    this.cycles.add(key);
    this.env.trace('deadlock', key);
    this.env.report(cycleReport(cycle));
  }

  /** khungtaskd: reports every task blocked for `timeoutNs` or more by now; recomputes `deadline`. */
  scan(): void {
    const now = this.env.clock.nowNs;
    let next = Number.POSITIVE_INFINITY;
    for (const t of this.env.tasks) {
      if (!stuck(t)) continue;
      const due = t.blockedAt + this.timeoutNs;
      if (due <= now) this.hung(t, `blocked for more than ${this.timeoutNs / 1e9} seconds.`);
      else if (due < next) next = due;
    }
    this.deadline = next;
  }

  /**
   * Reports every task still blocked (not idle, not in a timed sleep, not
   * already reported) as `hung-task`: the end of a run or scenario. Returns
   * how many were reported.
   */
  reportStuck(why: string): number {
    let n = 0;
    for (const t of this.env.tasks) {
      if (!stuck(t) || t.waitFor?.timed === true) continue;
      this.hung(t, `still blocked at ${why} (for ${this.env.clock.nowNs - t.blockedAt} ns).`);
      n++;
    }
    return n;
  }

  /**
   * The end of a run with nothing runnable or armed: reports the blocked
   * tasks no cycle report named, as one `deadlock` ("nothing can wake
   * them"). Returns false when every blocked task was already reported.
   */
  reportIdle(): boolean {
    const left = [...this.env.tasks].filter(stuck);
    if (left.length === 0) return false;
    for (const t of left) t.hungReported = true;
    const resources = [...new Set(left.map(waitResource))].sort();
    const tasks = left.map((t) => ({ task: who(t), stack: formatSite(t.blockSite) ?? '' }));
    this.env.report({
      kind: 'deadlock',
      title: `INFO: task ${who(left[0] as Task)} blocked forever: no runnable task and no armed timer`,
      resource: resources.join(', '),
      detail: `${left.length} task(s) blocked: ${left.map((t) => `${who(t)} waiting on ${t.waitingOn ?? '?'} since ${t.blockedAt} ns`).join('; ')}`,
      stacks: tasks[0]?.stack ? { tasks } : {},
    });
    return true;
  }

  private hung(t: Task, what: string): void {
    t.hungReported = true;
    const stack = formatSite(t.blockSite);
    this.env.trace('hung_task', `${who(t)} ${waitResource(t)}`);
    this.env.report({
      kind: 'hung-task',
      title: `INFO: task ${t.name}:${t.pid} ${what}`,
      resource: `${t.name} waiting on ${waitResource(t)}`,
      detail: `task:${t.name} state:D pid:${t.pid} waiting on ${t.waitingOn ?? '?'} since ${t.blockedAt} ns`,
      stacks: stack === undefined ? {} : { access: stack },
    });
  }
}
