/** Emulates kernel/locking/spinlock.c (include/linux/spinlock.h). */
import { checkKernel } from '../check-kernel.js';
import type { Kernel } from '../kernel.js';
import type { LockClass } from '../lockdep.js';
import { checkString } from '../validate.js';

/**
 * `spinlock_t`. There is never contention in the simulation (one task runs at
 * a time and atomic callbacks run to completion), so a spinlock's observable
 * effect is the atomic section: sleeping while holding it is a
 * `sleep-in-atomic` report. With lockdep on it is validated as class `name`
 * (taken in an hrtimer callback or IRQ handler, it orders after that
 * callback's map: `hrtimer_cancel`/`free_irq` under it is a cycle).
 */
export class SpinLock {
  private held = false;
  private readonly cls: LockClass | null;

  /**
   * `spin_lock_init()`: an unlocked spinlock of lock class `name`.
   * Context: any. Errors: a `TypeError` when `kernel` is not a Kernel or
   * `name` not a string. The lock and unlock methods take no argument and
   * stay unchecked: they run in atomic callbacks on every hot path.
   */
  constructor(
    private readonly kernel: Kernel,
    readonly name = 'spinlock',
  ) {
    checkKernel('spin_lock_init', kernel);
    checkString('spin_lock_init', 'name', name);
    this.cls = kernel.lockdep?.classOf(name) ?? null;
  }

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
    if (this.cls !== null) this.kernel.lockdep?.acquire(this.cls, `spin_lock ${this.name}`);
    if (this.held) this.kernel.warn(this.name, `BUG: spinlock recursion on ${this.name}`);
    this.held = true;
    const t = this.kernel.current;
    if (t !== null) t.preemptCount++;
  }

  private release(): void {
    if (!this.held) this.kernel.warn(this.name, `BUG: spinlock already unlocked on ${this.name}`);
    this.held = false;
    if (this.cls !== null) this.kernel.lockdep?.release(this.cls);
    const t = this.kernel.current;
    if (t !== null && t.preemptCount > 0) t.preemptCount--;
  }
}
