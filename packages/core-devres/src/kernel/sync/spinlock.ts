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

  /** `spin_lock()`. Context: any (does not sleep). */
  lock(): void {
    this.kernel.census?.count('spin_lock');
    this.acquire();
  }

  /** `spin_lock_irqsave()` (interrupts are not modelled apart from the census). Context: any. */
  lockIrqsave(): void {
    this.kernel.census?.count('spin_lock_irqsave');
    this.acquire();
  }

  /** `spin_unlock()`. */
  unlock(): void {
    this.kernel.census?.count('spin_unlock');
    this.release();
  }

  /** `spin_unlock_irqrestore()`. */
  unlockIrqrestore(): void {
    this.kernel.census?.count('spin_unlock_irqrestore');
    this.release();
  }

  private acquire(): void {
    if (this.held) this.kernel.warn(this.name, `BUG: spinlock recursion on ${this.name}`);
    this.held = true;
    const t = this.kernel.current;
    if (t !== null) t.preemptCount++;
  }

  private release(): void {
    if (!this.held) this.kernel.warn(this.name, `BUG: spinlock already unlocked on ${this.name}`);
    this.held = false;
    const t = this.kernel.current;
    if (t !== null && t.preemptCount > 0) t.preemptCount--;
  }
}
