/** Emulates kernel/sched/wait.c (include/linux/wait.h). */
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { checkFn } from '../validate.js';
import type { WaitTarget } from '../wait-graph.js';

/**
 * A wait queue (`wait_queue_head_t`): tasks sleep on it until a condition
 * holds; `wakeUp` makes every sleeper re-check its condition.
 */
export class WaitQueue {
  private readonly sleepers = new Set<Task>();

  constructor(
    private readonly kernel: Kernel,
    readonly name: string,
  ) {}

  /** Number of tasks sleeping on the queue. */
  get waiters(): number {
    return this.sleepers.size;
  }

  /**
   * `wait_event()`: sleeps until `cond()` is true. Always a scheduling point,
   * even when `cond()` already holds. Context: task, may sleep; from atomic
   * context reports `sleep-in-atomic` and returns without waiting.
   * `waitFor` names the tasks the condition waits for (wait-for graph).
   * Errors: a `TypeError` when `cond` is not a function.
   */
  async waitEvent(
    cond: () => boolean,
    what = `wait_event ${this.name}`,
    waitFor: WaitTarget | null = null,
  ): Promise<void> {
    checkFn('wait_event', 'condition', cond); // checked at the call, not at the first wake-up
    const k = this.kernel;
    if (!k.mightSleep(what)) return;
    await k.yield();
    while (!cond()) {
      // `as`: mightSleep() returned true, so we are in a task (it throws outside one and returns false in atomic context).
      const me = k.current as Task;
      this.sleepers.add(me);
      try {
        await k.block(this.name, waitFor);
      } finally {
        this.sleepers.delete(me);
      }
    }
  }

  /**
   * @internal One sleep on the queue: parks the current task (as `reason`)
   * until a wake-up of this queue, or anyone's `k.wake`, makes it runnable.
   * The building block of the timed waits (sync/wait-timeout.ts).
   */
  async sleepOnce(reason = this.name, waitFor: WaitTarget | null = null): Promise<void> {
    const me = this.kernel.current as Task;
    this.sleepers.add(me);
    try {
      await this.kernel.block(reason, waitFor);
    } finally {
      this.sleepers.delete(me);
    }
  }

  /** `wake_up_all()`: every sleeper re-checks its condition. Context: any. */
  wakeUp(): void {
    if (this.sleepers.size === 0) return;
    // A woken task leaves the queue at once (as autoremove_wake_function
    // does), so a later wakeOne() reaches a sleeper that is still asleep.
    for (const t of this.sleepers) this.kernel.wake(t);
    this.sleepers.clear();
  }

  /** Wakes the longest sleeper only (used for FIFO hand-off). Context: any. */
  wakeOne(): void {
    const first = this.sleepers.values().next();
    if (first.done) return;
    // Dequeue it now: left on the queue until it runs, two wakeOne() calls in
    // a row would both pick it and the second wake-up would be lost.
    this.sleepers.delete(first.value);
    this.kernel.wake(first.value);
  }
}
