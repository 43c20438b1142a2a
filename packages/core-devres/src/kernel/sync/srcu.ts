/** Emulates kernel/rcu/srcutree.c (include/linux/srcu.h). */
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
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

  /** `init_srcu_struct()`. */
  constructor(
    private readonly kernel: Kernel,
    readonly name = 'srcu',
  ) {
    this.wq = new WaitQueue(kernel, `srcu ${name}`);
  }

  /** `srcu_read_lock()`: returns the token for {@link srcuReadUnlock}. Context: any. */
  srcuReadLock(): number {
    this.kernel.census?.count('srcu_read_lock');
    const t = this.nextToken++;
    this.open.set(t, this.kernel.current);
    return t;
  }

  /** `srcu_read_unlock()`. An unknown token warns. Context: any. */
  srcuReadUnlock(token: number): void {
    this.kernel.census?.count('srcu_read_unlock');
    if (!this.open.delete(token)) {
      this.kernel.warn(this.name, `srcu_read_unlock() with unknown index ${token}`);
      return;
    }
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
