/** Emulates kernel/locking/spinlock.c (include/linux/spinlock.h). */
import type { Kernel } from '../kernel.js';

/**
 * `spinlock_t`. There is never contention in the simulation (one task runs at
 * a time and atomic callbacks run to completion), so a spinlock's observable
 * effect is the atomic section: sleeping while holding it is a
 * `sleep-in-atomic` report.
 */
export class SpinLock {
  private held = false;

  constructor(
    private readonly kernel: Kernel,
    readonly name = 'spinlock',
  ) {}

  /** `spin_lock()` / `spin_lock_irqsave()`. Context: any (does not sleep). */
  lock(): void {
    if (this.held) this.kernel.warn(this.name, `BUG: spinlock recursion on ${this.name}`);
    this.held = true;
    const t = this.kernel.current;
    if (t !== null) t.preemptCount++;
  }

  /** `spin_unlock()` / `spin_unlock_irqrestore()`. */
  unlock(): void {
    if (!this.held) this.kernel.warn(this.name, `BUG: spinlock already unlocked on ${this.name}`);
    this.held = false;
    const t = this.kernel.current;
    if (t !== null && t.preemptCount > 0) t.preemptCount--;
  }
}
