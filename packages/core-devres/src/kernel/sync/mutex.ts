/** Emulates kernel/locking/mutex.c (include/linux/mutex.h). */
import { checkKernel, checkThis } from '../check-kernel.js';
import type { Kernel } from '../kernel.js';
import type { LockClass } from '../lockdep.js';
import type { Task } from '../task.js';
import { checkFn, checkString } from '../validate.js';
import type { WaitTarget } from '../wait-graph.js';

/**
 * `struct mutex`, with strict FIFO hand-off: `unlock()` passes ownership to
 * the longest waiter, so waiters acquire in arrival order and a releasing
 * task cannot barge back in. (The kernel's mutex allows optimistic spinning
 * and only hands off after a waiter starves; quiesce always hands off, which
 * keeps interleavings explainable.)
 *
 * A waiter waits for the owner (wait-for graph: an ABBA or AA wait is a
 * `deadlock` report when it happens); with lockdep on, every lock is
 * validated against the class `name` (a `possible-circular-locking` report
 * before it happens).
 */
export class Mutex {
  private owner: Task | null = null;
  private readonly waiters: Task[] = [];
  private readonly cls: LockClass | null;
  private readonly waitFor: WaitTarget;

  /**
   * `mutex_init()`: an unlocked mutex of lock class `name`. Context: any.
   * Errors: a `TypeError` when `kernel` is not a Kernel or `name` not a
   * string (nothing is registered with lockdep then).
   */
  constructor(
    private readonly kernel: Kernel,
    readonly name = 'mutex',
  ) {
    checkKernel('mutex_init', kernel);
    checkString('mutex_init', 'name', name);
    this.cls = kernel.lockdep?.classOf(name) ?? null;
    this.waitFor = { resource: `mutex ${name}`, holders: () => (this.owner === null ? [] : [this.owner]) };
  }

  /** `mutex_lock()`. Context: may sleep. Errors: a `TypeError` when called on something that is not a Mutex. */
  async lock(): Promise<void> {
    checkThis('mutex_lock', this, Mutex, 'lock');
    const k = this.kernel;
    if (!k.mightSleep(`mutex_lock ${this.name}`)) return;
    k.census?.count('mutex_lock');
    await k.yield();
    // `as`: mightSleep() returned true, so we are in a task (it throws outside one and returns false in atomic context).
    const me = k.current as Task;
    // lock_acquire() comes before the wait, so lockdep sees the order even
    // in the schedules where nobody waits.
    if (this.cls !== null) k.lockdep?.acquire(this.cls, `mutex_lock ${this.name}`);
    if (this.owner === me) {
      if (this.cls === null) {
        k.warn(this.name, `possible recursive locking detected: ${me.name}/${me.pid} already holds ${this.name}`);
      }
      // AA deadlock, as in the kernel: the task waits forever for a lock it
      // holds (falling through would "acquire" it twice and queue the owner).
      for (;;) await k.block(`mutex ${this.name}`, this.waitFor);
    }
    if (this.owner === null) {
      this.owner = me;
      return;
    }
    this.waiters.push(me);
    while (this.owner !== me) await k.block(`mutex ${this.name}`, this.waitFor);
  }

  /**
   * `mutex_trylock()`: true if acquired. Context: task. The kernel documents
   * that it "must not be used in interrupt context" (an atomic callback has
   * no task to own the mutex): there it warns and returns false. Outside the
   * simulation (no task at all) it throws, as every task-only primitive does.
   */
  trylock(): boolean {
    checkThis('mutex_trylock', this, Mutex, 'lock');
    const me = this.kernel.current;
    if (me === null) {
      if (this.kernel.inInterrupt()) {
        this.kernel.warn(this.name, `mutex_trylock ${this.name} in interrupt context`);
        return false;
      }
      throw new Error(`mutex_trylock ${this.name}: outside a task`);
    }
    this.kernel.census?.count('atomic_rmw');
    if (this.owner !== null) return false;
    this.owner = me;
    if (this.cls !== null) this.kernel.lockdep?.acquire(this.cls, `mutex_trylock ${this.name}`, true);
    return true;
  }

  /**
   * `mutex_unlock()`: hands the lock to the first waiter. Unlocking a mutex
   * one does not own warns (DEBUG_MUTEXES: `DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)`)
   * and, as there, unlocks it anyway; unlocking an unlocked one warns and
   * does nothing. Context: task.
   */
  unlock(): void {
    checkThis('mutex_unlock', this, Mutex, 'lock');
    this.kernel.census?.count('mutex_unlock');
    const me = this.kernel.current;
    if (this.owner === null || this.owner !== me) {
      this.kernel.warn(this.name, `DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current) in mutex_unlock ${this.name}`);
      if (this.owner === null) return;
    }
    if (this.cls !== null) this.kernel.lockdep?.release(this.cls);
    const next = this.waiters.shift() ?? null;
    this.owner = next;
    if (next !== null) this.kernel.wake(next);
  }

  /** `mutex_is_locked()`. Context: any. */
  isLocked(): boolean {
    checkThis('mutex_is_locked', this, Mutex, 'lock');
    return this.owner !== null;
  }

  /**
   * Runs `fn` with the mutex held (`guard(mutex)` in C). Context: may sleep.
   * Errors: a `TypeError` (before locking) when `fn` is not a function.
   */
  async with<T>(fn: () => Promise<T> | T): Promise<T> {
    checkThis('guard_mutex', this, Mutex, 'lock');
    checkFn('guard_mutex', 'fn', fn);
    await this.lock();
    try {
      return await fn();
    } finally {
      this.unlock();
    }
  }
}
