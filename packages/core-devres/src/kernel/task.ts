/**
 * A task: process-context code (an async function) scheduled by the kernel.
 *
 * # Invariants
 * - At most one task is `current` at any moment; it runs until its next
 *   kernel await (a sleeping primitive), then parks.
 * - A parked task is resumed only by the scheduler, through `resume`.
 */
import type { HeldLock } from './lockdep.js';
import type { WaitTarget } from './wait-graph.js';

export type TaskState = 'runnable' | 'blocked' | 'done' | 'failed';

export class Task<T = unknown> {
  state: TaskState = 'runnable';
  /** What a blocked task waits on (`mutex edu_lock`, `completion dma_done`). */
  waitingOn: string | null = null;
  /** Blocked in an idle wait (a kworker with no work): not counted as deadlocked. */
  idle = false;
  /** What the current wait needs to progress (wait-for graph edges), or null (docs/design.md §5). */
  waitFor: WaitTarget | null = null;
  /** Virtual time (ns) at which the current wait began. */
  blockedAt = 0;
  /** Where the current wait began (formatted lazily), when stacks are captured. */
  blockSite: Error | null = null;
  /** The hung-task detector already reported the current wait. */
  hungReported = false;
  /** Lock classes held (lockdep's held_locks), when lockdep is on. */
  heldLocks: HeldLock[] | null = null;
  /** Atomic sections held by the task (spinlocks, preempt_disable). */
  preemptCount = 0;
  /** RCU read-side nesting (sleeping inside is a bug). */
  rcuDepth = 0;
  /** Reader record of the outermost RCU read-side section, if any. */
  rcuReader: { open: boolean } | null = null;
  /** The device this task is probing or removing (drivers/base sets it); used to attribute resources. */
  bindingDevice: object | null = null;
  /** PCT priority (higher runs first). */
  priority = 0;
  /** Scheduler-owned continuation; set while parked. */
  resume: (() => void) | null = null;
  value: T | undefined = undefined;
  error: unknown = undefined;
  /** Tasks blocked in join() on this one. */
  readonly joiners: Task[] = [];
  private settled: Promise<T> | null = null;
  // Typed loosely so that Task<T> is assignable to Task<unknown>.
  private settle: { res: (v: unknown) => void; rej: (e: unknown) => void } | null = null;

  constructor(
    readonly pid: number,
    readonly name: string,
    readonly cpu: number,
  ) {}

  /** True when the task has returned or thrown. */
  get exited(): boolean {
    return this.state === 'done' || this.state === 'failed';
  }

  /**
   * A plain promise of the task's result, for code outside the simulation
   * (tests after `run()`). Inside a task use `kernel.join(task)`, which is a
   * scheduling point.
   */
  result(): Promise<T> {
    if (this.settled === null) {
      this.settled = new Promise<T>((res, rej) => {
        // `as`: res takes T; widened to unknown so Task<T> stays assignable to Task<unknown> (finish() passes this.value: T).
        this.settle = { res: res as (v: unknown) => void, rej };
      });
      if (this.exited) this.finish();
    }
    return this.settled;
  }

  /** @internal called by the kernel when the body ends. */
  finish(): void {
    if (this.settle === null) return;
    if (this.state === 'done') this.settle.res(this.value);
    else if (this.state === 'failed') this.settle.rej(this.error);
  }
}
