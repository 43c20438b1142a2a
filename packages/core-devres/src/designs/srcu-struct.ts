/**
 * A counter-based SRCU domain, the shape of the kernel's classic
 * `srcu_struct` (kernel/rcu/srcutiny.c keeps the same idea): two reader
 * counters, `srcu_read_lock()` increments the one of the current index and
 * returns that index (0 or 1), `synchronize_srcu()` flips the index and waits
 * until the old counter drains. Synchronizers are serialised, as the
 * kernel's grace-period mutex does, so each waits for every reader present
 * at its call.
 *
 * Why not `Srcu` (kernel/sync/srcu.ts): that one keeps a set of distinct
 * tokens, which costs a hash-set insert and delete per read section; the
 * hot-path disciplines built on SRCU (srcu-device, c-revocable) would then
 * measure the emulator's bookkeeping rather than a counter increment. The
 * semantics the tests rely on are the same; the index is 0 or 1, as in C,
 * so nested sections usually get the same index.
 */
import { countSrcuStruct } from '../census/counting.js';
import { checkKernel } from '../kernel/check-kernel.js';
import type { Kernel } from '../kernel/kernel.js';
import { WaitQueue } from '../kernel/sync/wait-queue.js';
import { badArg, checkString } from '../kernel/validate.js';

export class SrcuStruct {
  /** Readers of index 0 and of index 1 (`srcu_lock_count - srcu_unlock_count`). */
  private c0 = 0;
  private c1 = 0;
  private idx = 0;
  private syncing = false;
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
    if (kernel.census !== null) countSrcuStruct(this, kernel.census);
  }

  /** `srcu_read_lock()`: returns the index for {@link srcuReadUnlock}. Context: any. */
  srcuReadLock(): number {
    const i = this.idx;
    if (i === 0) this.c0++;
    else this.c1++;
    return i;
  }

  /**
   * `srcu_read_unlock()`. An index that is not 0 or 1 warns, as the
   * kernel's `WARN_ON_ONCE(idx & ~0x1)`, and so does one with no reader
   * inside; either changes nothing. Context: any. Errors: a `TypeError` when
   * `idx` is not an integer (C's `int`); checked on the cold path only, so
   * the hot path's compares are the ones it always made.
   */
  srcuReadUnlock(idx: number): void {
    if ((idx !== 0 && idx !== 1) || this.inside(idx) === 0) {
      this.badUnlock(idx);
      return;
    }
    const left = idx === 0 ? --this.c0 : --this.c1;
    if (left === 0 && this.wq.waiters > 0) this.wq.wakeUp();
  }

  private badUnlock(idx: number): void {
    if (!Number.isSafeInteger(idx)) throw badArg('srcu_read_unlock', 'idx', 'an integer', idx);
    const why = idx !== 0 && idx !== 1 ? 'WARN_ON_ONCE(idx & ~0x1): ' : '';
    this.kernel.warn(this.name, `${why}srcu_read_unlock() with index ${idx} and no reader inside`);
  }

  private inside(idx: number): number {
    return idx === 0 ? this.c0 : this.c1;
  }

  /** Readers currently inside. */
  get readers(): number {
    return this.c0 + this.c1;
  }

  /** `synchronize_srcu()` without the grace period's own length: waits for every reader present at the call. Context: may sleep. */
  async synchronizeSrcu(): Promise<void> {
    const what = `synchronize_srcu ${this.name}`;
    await this.wq.waitEvent(() => !this.syncing, what);
    this.syncing = true;
    try {
      // Synchronizers are serialised and each drains the index it flipped away
      // from, so when one starts every reader is on the current index: one flip
      // suffices. (The kernel flips twice because a reader may race the flip
      // between loading the index and incrementing; here that pair is atomic.)
      const old = this.idx;
      this.idx = old ^ 1;
      await this.wq.waitEvent(() => this.inside(old) === 0, what);
    } finally {
      this.syncing = false;
      this.wq.wakeUp();
    }
  }
}
