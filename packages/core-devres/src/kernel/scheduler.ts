/**
 * The task scheduler (kernel/sched/core.c, reduced to one runqueue and
 * cooperative switching): creating tasks, parking and waking them, and
 * running one task step at a time.
 *
 * # Invariants
 * - At most one task step runs at a time: `step()` resumes one parked task
 *   and returns when that task parks again (a kernel await) or exits.
 * - A task is in `runq` iff it is runnable and not current; a blocked task is
 *   in `tasks` but not in `runq` until `wake()`.
 * - `tasks` holds exactly the tasks that have not exited (exited ones are
 *   dropped so long runs do not grow).
 * - `oops` holds the first uncaught task error until the run loop rethrows it.
 */
import type { Census } from '../census/census.js';
import type { Contexts } from './context.js';
import type { Decider } from './strategy.js';
import { Task } from './task.js';
import type { Tracer } from './trace.js';

/** A task blocked when the run went idle. */
export interface BlockedTask {
  pid: number;
  name: string;
  waitingOn: string;
}

/** Tasks, the runqueue, and the step machinery of one kernel. */
export class Scheduler {
  readonly runq: Task[] = [];
  /** Tasks that have not exited. */
  readonly tasks = new Set<Task>();
  lastRan: Task | null = null;
  /** The first uncaught task error, until the run loop rethrows it. */
  oops: { task: Task; error: unknown } | null = null;
  /** True while a run loop is active (runs do not nest). */
  running = false;
  /** Task steps and atomic events since the kernel was made. */
  stepCount = 0;
  private nextPid = 1;
  private nextCpu = 0;
  private stepDone: (() => void) | null = null;
  /** Per CPU, the task switched in last and not switched out since (for the census's context switches). */
  private readonly onCpu: (Task | null)[];

  constructor(
    private readonly cpus: number,
    private readonly ctx: Contexts,
    private readonly decider: Decider,
    private readonly tracer: Tracer,
    private readonly census: Census | null = null,
  ) {
    this.onCpu = new Array<Task | null>(cpus).fill(null);
  }

  /** Creates a runnable task running `fn`; `cpu` defaults to round-robin. */
  spawn<T>(name: string, fn: () => Promise<T> | T, cpu?: number): Task<T> {
    const c = cpu ?? this.nextCpu++ % this.cpus;
    const t = new Task<T>(this.nextPid++, name, c);
    t.priority = this.decider.newPriority();
    t.resume = () => {
      void this.body(t, fn);
    };
    // Task<T> to Task<unknown>: the scheduler never reads `value` through these sets.
    this.tasks.add(t as Task);
    this.runq.push(t as Task);
    this.tracer.record('spawn', `${name}/${t.pid}`);
    return t;
  }

  private async body<T>(t: Task<T>, fn: () => Promise<T> | T): Promise<void> {
    try {
      t.value = await fn();
      t.state = 'done';
    } catch (e) {
      t.error = e;
      t.state = 'failed';
      // Task<T> to Task<unknown>: only name, pid and cpu are read from it.
      if (this.oops === null) this.oops = { task: t as Task, error: e };
    }
    // `as`: Task<T> to Task<unknown> (the set never reads `value`).
    this.tasks.delete(t as Task);
    this.tracer.record('exit', `${t.name}/${t.pid} ${t.state}`);
    for (const j of t.joiners.splice(0)) this.wake(j);
    if (this.onCpu[t.cpu] === t) this.onCpu[t.cpu] = null;
    t.finish();
    this.park();
  }

  /** Parks the current task as blocked on `reason`; `idle` marks a daemon's idle wait. */
  block(reason: string, idle: boolean): Promise<void> {
    const t = this.ctx.currentTask;
    if (t === null || this.ctx.atomicDepth > 0) {
      throw new Error(`${idle ? 'idleWait' : 'block'}(${reason}) outside a task`);
    }
    if (idle) t.idle = true;
    if (this.census !== null && this.onCpu[t.cpu] === t) this.onCpu[t.cpu] = null;
    t.state = 'blocked';
    t.waitingOn = reason;
    // Where a wait begins, for trace viewers (a wait slice runs from here to
    // the task's next `run`); nothing is built when tracing is off.
    if (this.tracer.on) this.tracer.record('sched_block', reason);
    return this.parkWith(t);
  }

  /** Requeues the current task and parks it (a scheduling point without blocking). */
  yield(): Promise<void> {
    const t = this.ctx.currentTask;
    if (t === null || this.ctx.atomicDepth > 0) throw new Error('yield() outside a task');
    this.runq.push(t);
    return this.parkWith(t);
  }

  /** Makes a blocked task runnable; no effect otherwise. */
  wake(t: Task): void {
    if (t.state !== 'blocked') return;
    t.state = 'runnable';
    t.idle = false;
    t.waitingOn = null;
    this.runq.push(t);
    // try_to_wake_up(); from another CPU's task it sends a reschedule IPI (docs/design.md §9).
    if (this.census !== null) this.countWake(t);
  }

  private countWake(t: Task): void {
    const c = this.census as Census;
    c.count('wake_up');
    const waker = this.ctx.atomicDepth > 0 ? null : this.ctx.currentTask;
    if (waker !== null && waker.cpu !== t.cpu) c.count('ipi');
  }

  private parkWith(t: Task): Promise<void> {
    return new Promise<void>((res) => {
      t.resume = res;
      this.park();
    });
  }

  private park(): void {
    const d = this.stepDone;
    this.stepDone = null;
    if (d !== null) d();
  }

  /** Runs one step of `t` (already removed from `runq`): until it parks or exits. */
  async step(t: Task): Promise<void> {
    const resume = t.resume;
    if (resume === null) throw new Error(`task ${t.name}/${t.pid} has no continuation`);
    t.resume = null;
    t.state = 'runnable';
    this.ctx.currentTask = t;
    this.lastRan = t;
    // A context switch is a task switched in on its CPU (from idle or from another task).
    if (this.census !== null && this.onCpu[t.cpu] !== t) {
      this.onCpu[t.cpu] = t;
      this.census.count('context_switch');
    }
    this.stepCount++;
    if (this.tracer.on) this.tracer.record('run', '');
    const done = new Promise<void>((res) => {
      this.stepDone = res;
    });
    resume();
    await done;
    this.ctx.currentTask = null;
  }

  /** Waits (a scheduling point) for `t` to exit and returns its result; outside a task, its plain promise. */
  async join<T>(t: Task<T>): Promise<T> {
    const me = this.ctx.currentTask;
    if (me === null) return t.result();
    while (!t.exited) {
      t.joiners.push(me);
      await this.block(`join ${t.name}/${t.pid}`, false);
    }
    if (t.state === 'failed') throw t.error;
    // state is 'done', so body() assigned value: T; `as` because the field is typed T | undefined.
    return t.value as T;
  }

  /** Tasks blocked in a non-idle wait (the ones a deadlock report names). */
  blockedTasks(): BlockedTask[] {
    return [...this.tasks]
      .filter((t) => t.state === 'blocked' && !t.idle)
      .map((t) => ({ pid: t.pid, name: t.name, waitingOn: t.waitingOn ?? '?' }));
  }
}
