/**
 * `struct file_operations`: the driver's entry points, with their owner.
 *
 * Every operation is async (process context, may sleep). An operation
 * reports failure by throwing a `KernelError` or, kernel style, by returning
 * a negative errno (`return -ENOTTY`); the VFS turns both into a thrown
 * `KernelError` for the user.
 */
import type { Owner } from '@quiesce/core-devres';
import type { File } from './file.js';
import type { UserBuffer } from './user-buffer.js';

/** An ioctl's `unsigned long arg`: an integer, or a user pointer. */
export type IoctlArg = number | UserBuffer | null;

export interface FileOperations {
  /** `.owner = THIS_MODULE`: the module whose text holds these functions; null for built-in. */
  readonly owner: Owner;
  /** `.open`: runs under the misc mutex; `file.privateData` is the misc device on entry. A negative number returned is an errno. */
  open?(file: File): Promise<unknown>;
  /** `.release`: the last reference to the open file is gone. */
  release?(file: File): Promise<unknown>;
  /** `.read`: copy up to `count` bytes to `buf` (advance `file.pos`); returns bytes read. */
  read?(file: File, buf: UserBuffer, count: number): Promise<number>;
  /** `.write`: copy up to `count` bytes from `buf`; returns bytes written. */
  write?(file: File, buf: UserBuffer, count: number): Promise<number>;
  /** `.unlocked_ioctl`: returns a non-negative value, or an error. */
  unlockedIoctl?(file: File, cmd: number, arg: IoctlArg): Promise<number>;
  /** `.poll`: the current readiness mask (`EPOLL*`). */
  poll?(file: File): Promise<number>;
}
