/** Emulates kernel/sched/completion.c (include/linux/completion.h). */
import type { Kernel } from '../kernel.js';
import { WaitQueue } from './wait-queue.js';

/**
 * `struct completion`: a counted "done" event (kernel/sched/completion.c).
 *
 * `complete()` adds one, so one waiter passes; `completeAll()` lets every
 * present and future waiter pass until `reinit()`.
 */
export class Completion {
  private done = 0;
  private readonly wq: WaitQueue;

  /** `init_completion()`. */
  constructor(kernel: Kernel, name = 'completion') {
    this.wq = new WaitQueue(kernel, `completion ${name}`);
  }

  /** `complete()`: lets one waiter through (or the next one to come). Context: any. */
  complete(): void {
    if (this.done !== Number.MAX_SAFE_INTEGER) this.done++;
    this.wq.wakeOne();
  }

  /** `complete_all()`: lets every waiter through until {@link reinit}. Context: any. */
  completeAll(): void {
    this.done = Number.MAX_SAFE_INTEGER;
    this.wq.wakeUp();
  }

  /** `wait_for_completion()`: sleeps until completed, consuming one completion. Context: may sleep. */
  async waitForCompletion(): Promise<void> {
    await this.wq.waitEvent(() => this.done > 0, 'wait_for_completion');
    if (this.done !== Number.MAX_SAFE_INTEGER && this.done > 0) this.done--;
  }

  /** `try_wait_for_completion()`: consumes one completion without sleeping. Returns false if none. Context: any. */
  tryWaitForCompletion(): boolean {
    if (this.done === 0) return false;
    if (this.done !== Number.MAX_SAFE_INTEGER) this.done--;
    return true;
  }

  /** `completion_done()`: true if a wait would not block. Context: any. */
  completionDone(): boolean {
    return this.done > 0;
  }

  /** `reinit_completion()`. Context: any. */
  reinit(): void {
    this.done = 0;
  }
}
