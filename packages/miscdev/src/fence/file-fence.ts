/**
 * The fence for a misc device's open files: what the fenced discipline adds
 * and the kernel lacks (KERNEL-SEMANTICS.md, misc devices).
 *
 * Mechanism (debugfs's `debugfs_file_get/put` + full-proxy fops, and the tty
 * layer's `hung_up_tty_fops`, put together):
 * - Every file operation of a fenced device runs inside a read-side section:
 *   the VFS dispatch increments {@link FileFence.active} before it loads
 *   `file.fops` and decrements it when the operation returns (an SRCU-like
 *   in-flight counter, as debugfs's `active_users`).
 * - The fence swaps every open file's `fops` to {@link DEAD_FOPS} (built-in,
 *   every operation fails `-ENODEV`), then waits until `active` drains to 0.
 *   Load-and-increment happen in one synchronous step, so an operation
 *   either entered before the swap (and is waited for) or sees the dead
 *   table (and never reaches the driver).
 *
 * Cost: one increment and one decrement-and-test per operation, in the VFS;
 * the driver's own code carries no check. A kernel implementation would use
 * a per-CPU SRCU counter so the increment does not bounce a cache line.
 */

import type { Kernel } from '@quiesce/core-devres';
import { KernelError, WaitQueue } from '@quiesce/core-devres';
import type { File } from '../vfs/file.js';
import type { FileOperations } from '../vfs/fops.js';
import { EPOLLERR, EPOLLHUP } from '../vfs/poll.js';

function gone(): KernelError {
  return new KernelError('ENODEV', 'device was deregistered (fenced)');
}

/**
 * The table every file of a fenced, deregistered misc device dispatches
 * through (as `hung_up_tty_fops`). Built-in (owner null): nothing of the
 * driver's module runs. `poll` reports `EPOLLERR | EPOLLHUP`, `release` does
 * nothing (the fence already called the driver's release).
 */
export const DEAD_FOPS: FileOperations = Object.freeze({
  owner: null,
  async read(_f: File): Promise<number> {
    throw gone();
  },
  async write(_f: File): Promise<number> {
    throw gone();
  },
  async unlockedIoctl(_f: File): Promise<number> {
    throw gone();
  },
  async poll(_f: File): Promise<number> {
    return EPOLLERR | EPOLLHUP;
  },
  async release(_f: File): Promise<void> {},
});

export class FileFence {
  /** File operations currently inside the driver (or on their way in). */
  active = 0;
  /** True once the fence has started: no operation of the driver starts from then on. */
  fenced = false;
  private readonly wq: WaitQueue;

  constructor(kernel: Kernel, name: string) {
    this.wq = new WaitQueue(kernel, `misc fence ${name}`);
  }

  /** Leaves a read-side section; wakes the fence when the last one leaves. Context: any. */
  exit(): void {
    if (--this.active === 0 && this.fenced) this.wq.wakeUp();
  }

  /** Waits until no operation is in flight. Context: may sleep. */
  async drain(): Promise<void> {
    await this.wq.waitEvent(() => this.active === 0, 'misc fence drain');
  }
}
