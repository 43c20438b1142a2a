/**
 * The fence for a misc device's open files: what the fenced discipline adds
 * and the kernel lacks (drivers/char/misc.c has no such fence; see
 * docs/miscdev.md). Its fenced flag and refusals are a core `Fence`.
 *
 * Mechanism (debugfs's `debugfs_file_get/put` + full-proxy fops, and the tty
 * layer's `hung_up_tty_fops`, put together):
 * - Every file operation of a fenced device runs inside a read-side section:
 *   the VFS dispatch increments {@link FileFence.active} before it loads
 *   `file.fops` and decrements it when the operation returns (an SRCU-like
 *   in-flight counter, as debugfs's `active_users`).
 * - The fence closes the core fence (new opens: `-ENODEV`), swaps every open
 *   file's `fops` to {@link DEAD_FOPS} (built-in, every operation fails
 *   `-ENODEV`), then waits until `active` drains to 0. Load-and-increment
 *   happen in one synchronous step, so an operation either entered before
 *   the swap (and is waited for) or sees the dead table (and never reaches
 *   the driver).
 *
 * Cost: one increment and one decrement-and-test per operation, in the VFS;
 * the driver's own code carries no check. A kernel implementation would use
 * a per-CPU SRCU counter so the increment does not bounce a cache line.
 */

import type { Fence, Kernel } from '@quiesce/core-devres';
import { checkKernel, fenceRefuses, KernelError, WaitQueue } from '@quiesce/core-devres';
import type { File } from '../vfs/file.js';
import type { FileOperations } from '../vfs/fops.js';
import { EPOLLERR, EPOLLHUP } from '../vfs/poll.js';

/** The refusal of an operation on a file of a fenced device, counted by its core fence. */
function gone(f: File, what: string): KernelError {
  const ff = f.fence;
  if (ff !== null) fenceRefuses(ff.fence, what);
  return new KernelError('ENODEV', 'device was deregistered (fenced)');
}

/**
 * The table every file of a fenced, deregistered misc device dispatches
 * through (as `hung_up_tty_fops`). Built-in (owner null): nothing of the
 * driver's module runs. `poll` reports `EPOLLERR | EPOLLHUP`, `release` does
 * nothing (the fenced mode's fence already called the driver's release; in
 * sync mode the VFS calls the driver's own release at close).
 */
export const DEAD_FOPS: FileOperations = Object.freeze({
  owner: null,
  async read(f: File): Promise<number> {
    throw gone(f, 'read');
  },
  async write(f: File): Promise<number> {
    throw gone(f, 'write');
  },
  async unlockedIoctl(f: File): Promise<number> {
    throw gone(f, 'ioctl');
  },
  async poll(_f: File): Promise<number> {
    return EPOLLERR | EPOLLHUP;
  },
  async release(_f: File): Promise<void> {},
});

export class FileFence {
  /** File operations currently inside the driver (or on their way in). */
  active = 0;
  private readonly wq: WaitQueue;

  constructor(
    kernel: Kernel,
    name: string,
    /** The registration's core fence: closed from the moment deregister starts. */
    readonly fence: Fence,
    /** `sync` mode (`misc_deregister_sync`): the driver's release still runs at close. */
    readonly releaseAtClose: boolean,
  ) {
    checkKernel('FileFence.new', kernel, 'kernel');
    this.wq = new WaitQueue(kernel, `misc fence ${name}`);
  }

  /** True once the fence has started: no operation of the driver starts from then on. */
  get fenced(): boolean {
    return this.fence.closed;
  }

  /** Leaves a read-side section; wakes the fence when the last one leaves. Context: any. */
  exit(): void {
    if (--this.active === 0 && this.fence.closed) this.wq.wakeUp();
  }

  /** Waits until no operation is in flight. Context: may sleep. */
  async drain(): Promise<void> {
    await this.wq.waitEvent(() => this.active === 0, 'misc fence drain');
  }
}
