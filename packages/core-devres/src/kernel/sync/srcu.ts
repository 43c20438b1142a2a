/** Emulates kernel/rcu/srcutree.c (include/linux/srcu.h). */
import { checkKernel, checkThis } from '../check-kernel.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { badArg, checkString } from '../validate.js';
import { WaitQueue } from './wait-queue.js';

/**
 * `struct srcu_struct`: sleepable RCU. Readers may sleep; the read lock
 * returns a token to pass back to unlock. `synchronizeSrcu()` waits for the
 * readers present when it is called, not for later ones.
 */
export class Srcu {
  private nextToken = 1;
  /** Open tokens, with the task that took each (null: an atomic context). */
  private readonly open = new Map<number, Task | null>();
  private readonly wq: WaitQueue;

  /**
   * `init_srcu_struct()`. Context: any. Errors: a `TypeError` when `kernel`
   * is not a Kernel or `name` not a string.
   */
  constructor(
    private readonly kernel: Kernel,
    readonly name = 'srcu',
  ) {
    checkKernel('init_srcu_struct', kernel);
    checkString('init_srcu_struct', 'name', name);
    this.wq = new WaitQueue(kernel, `srcu ${name}`);
  }

  /** `srcu_read_lock()`: returns the token for {@link srcuReadUnlock}. Context: any. */
  srcuReadLock(): number {
    checkThis('srcu_read_lock', this, Srcu, 'ssp');
    this.kernel.census?.count('srcu_read_lock');
    const t = this.nextToken++;
    this.open.set(t, this.kernel.current);
    return t;
  }

  /**
   * `srcu_read_unlock()`. A token that no open `srcuReadLock()` returned
   * warns and changes nothing (the kernel's `WARN_ON_ONCE(idx & ~0x1)` for
   * an index that cannot be one; here every wrong integer is caught, since
   * tokens are unique). Context: any. Errors: a `TypeError` when `token` is
   * not an integer (C's `int idx`).
   */
  srcuReadUnlock(token: number): void {
    checkThis('srcu_read_unlock', this, Srcu, 'ssp');
    if (!this.open.delete(token)) {
      if (!Number.isSafeInteger(token)) throw badArg('srcu_read_unlock', 'idx', 'an integer', token);
      this.kernel.warn(this.name, `srcu_read_unlock() with unknown index ${token}`);
      return;
    }
    this.kernel.census?.count('srcu_read_unlock');
    this.wq.wakeUp();
  }

  /** Readers currently inside. */
  get readers(): number {
    return this.open.size;
  }

  /**
   * `synchronize_srcu()`: waits for every reader present at the call; it
   * waits for the tasks inside (wait-for graph: a reader blocked on what the
   * caller holds is a `deadlock`). Context: may sleep.
   */
  async synchronizeSrcu(): Promise<void> {
    checkThis('synchronize_srcu', this, Srcu, 'ssp');
    this.kernel.census?.countAll('synchronize_srcu', 'gp_srcu');
    const snapshot = [...this.open.keys()];
    const holders = (): Task[] => {
      const ts: Task[] = [];
      for (const tok of snapshot) {
        const t = this.open.get(tok);
        if (t !== undefined && t !== null) ts.push(t);
      }
      return ts;
    };
    const waitFor = { resource: `synchronize_srcu ${this.name}`, holders };
    const what = `synchronize_srcu ${this.name}`;
    await this.wq.waitEvent(() => snapshot.every((t) => !this.open.has(t)), what, waitFor);
  }
}
