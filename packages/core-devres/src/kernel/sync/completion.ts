/** Emulates kernel/sched/completion.c (include/linux/completion.h). */

import { checkKernel, checkThis } from '../check-kernel.js';
import { scheduleTimeoutWith } from '../jiffies.js';
import type { Kernel } from '../kernel.js';
import { badArg, checkString } from '../validate.js';
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

  /**
   * `init_completion()`. Context: any. Errors: a `TypeError` when `kernel`
   * is not a Kernel or `name` not a string.
   */
  constructor(
    private readonly kernel: Kernel,
    name = 'completion',
  ) {
    checkKernel('init_completion', kernel);
    checkString('init_completion', 'name', name);
    this.wq = new WaitQueue(kernel, `completion ${name}`);
  }

  /** `complete()`: lets one waiter through (or the next one to come). Context: any. */
  complete(): void {
    checkThis('complete', this, Completion, 'x');
    if (this.done !== Number.MAX_SAFE_INTEGER) this.done++;
    this.wq.wakeOne();
  }

  /** `complete_all()`: lets every waiter through until {@link reinit}. Context: any. */
  completeAll(): void {
    checkThis('complete_all', this, Completion, 'x');
    this.done = Number.MAX_SAFE_INTEGER;
    this.wq.wakeUp();
  }

  /** `wait_for_completion()`: sleeps until completed, consuming one completion. Context: may sleep. */
  async waitForCompletion(): Promise<void> {
    checkThis('wait_for_completion', this, Completion, 'x');
    await this.wq.waitEvent(() => this.done > 0, 'wait_for_completion');
    if (this.done !== Number.MAX_SAFE_INTEGER && this.done > 0) this.done--;
  }

  /**
   * `wait_for_completion_timeout(x, timeout)`: sleeps until completed or
   * `timeout` jiffies pass, consuming one completion when it succeeds.
   * Context: may sleep. Returns: 0 on timeout, else the jiffies left, at
   * least 1 (the full timeout when already completed; 1 for a timeout of 0).
   * TypeError when `timeout` is not an integer (C's `unsigned long`: a
   * negative one is the kernel's "wrong timeout value", as in
   * schedule_timeout()).
   */
  async waitForCompletionTimeout(timeout: number): Promise<number> {
    const what = 'wait_for_completion_timeout';
    checkThis(what, this, Completion, 'x');
    const k = this.kernel;
    if (!Number.isInteger(timeout)) throw badArg(what, 'timeout', 'an integer (jiffies)', timeout);
    if (!k.mightSleep(what)) return this.tryWaitForCompletion() ? Math.max(1, timeout) : 0;
    await k.yield();
    let left = timeout;
    if (this.done === 0) {
      // do_wait_for_common(): sleep until done or no time left (a timeout of 0 still tries once).
      do {
        left = await scheduleTimeoutWith(k, left, what, (w) => this.wq.sleepOnce(what, w));
      } while (this.done === 0 && left !== 0);
      if (this.done === 0) return left;
    }
    if (this.done !== Number.MAX_SAFE_INTEGER) this.done--;
    return left === 0 ? 1 : left;
  }

  /** `try_wait_for_completion()`: consumes one completion without sleeping. Returns false if none. Context: any. */
  tryWaitForCompletion(): boolean {
    checkThis('try_wait_for_completion', this, Completion, 'x');
    if (this.done === 0) return false;
    if (this.done !== Number.MAX_SAFE_INTEGER) this.done--;
    return true;
  }

  /** `completion_done()`: true if a wait would not block. Context: any. */
  completionDone(): boolean {
    checkThis('completion_done', this, Completion, 'x');
    return this.done > 0;
  }

  /** `reinit_completion()`. Context: any. */
  reinit(): void {
    checkThis('reinit_completion', this, Completion, 'x');
    this.done = 0;
  }
}
