/**
 * `revocable_replace_fops()` (Tzung-Bi Shih, "revocable: Add fops
 * replacement", 2025): the misc half of the c-revocable discipline
 * (docs/disciplines.md).
 *
 * Called by a driver's `open`, it gives the file a copy of its file
 * operations whose `read`, `poll`, `unlocked_ioctl` and `release` go through
 * a revocable of the provider: each call enters the provider's SRCU section
 * and calls the driver's operation only while the resource is there
 * (`-ENODEV` otherwise; `poll` answers `EPOLLERR | EPOLLHUP`, `release` skips
 * the driver's). Revoking the provider therefore waits for the operations in
 * flight, and the open files never reach the driver again: what
 * `misc_deregister` does not do for open files.
 *
 * Deliberate differences: the posted patch kept one `struct revocable` per
 * file and a global list of replacements; here every call enters the section
 * on its own (two operations on one file in flight at once would overwrite
 * each other's SRCU index in C). Operations the driver does not have (write,
 * here) are left as they are, as in the patch.
 */
import { ERRNO, mightSleep, type RevocableProvider, revocableScopedAsync } from '@quiesce/core-devres';
import type { File } from '../vfs/file.js';
import type { FileOperations, IoctlArg } from '../vfs/fops.js';
import { EPOLLERR, EPOLLHUP } from '../vfs/poll.js';
import type { UserBuffer } from '../vfs/user-buffer.js';

const ENODEV = -ERRNO.ENODEV;

/**
 * `revocable_replace_fops(filp, rp)`: swaps `file.fops` for the wrapped copy
 * described above. Call it from the driver's `open`. Context: may sleep
 * (the patch's kzalloc(GFP_KERNEL) and fops mutex; checked with
 * might_sleep()). Returns: the original operations (the wrapper calls them).
 */
export function revocableReplaceFops<T>(file: File, rp: RevocableProvider<T>): FileOperations {
  mightSleep(rp.kernel, 'revocable_replace_fops');
  const orig = file.fops;
  const ops: Partial<Pick<FileOperations, 'read' | 'poll' | 'unlockedIoctl'>> = {};
  const { read, poll, unlockedIoctl, release } = orig;
  if (read !== undefined)
    ops.read = function revocable_fr_read(f: File, buf: UserBuffer, count: number): Promise<number> {
      return revocableScopedAsync(rp, (res) =>
        res === null ? Promise.resolve(ENODEV) : read.call(orig, f, buf, count),
      );
    };
  if (poll !== undefined)
    ops.poll = function revocable_fr_poll(f: File): Promise<number> {
      return revocableScopedAsync(rp, (res) =>
        res === null ? Promise.resolve(EPOLLERR | EPOLLHUP) : poll.call(orig, f),
      );
    };
  if (unlockedIoctl !== undefined)
    ops.unlockedIoctl = function revocable_fr_unlocked_ioctl(f: File, cmd: number, arg: IoctlArg): Promise<number> {
      return revocableScopedAsync(rp, (res) =>
        res === null ? Promise.resolve(ENODEV) : unlockedIoctl.call(orig, f, cmd, arg),
      );
    };
  const replaced: FileOperations = {
    ...orig,
    ...ops,
    release: function revocable_fr_release(f: File): Promise<unknown> {
      return revocableScopedAsync(rp, (res) =>
        res === null || release === undefined ? Promise.resolve(0) : release.call(orig, f),
      );
    },
  };
  file.fops = replaced;
  if (file.kernel.tracing) file.kernel.trace('revocable_replace_fops', `${file.misc.name}: ${rp.name}`);
  return orig;
}
