/**
 * `struct file` (what a driver's operations receive) and the user's handle
 * on it (a file descriptor), with the VFS dispatch in between.
 *
 * Dispatch of one operation (`vfs_ioctl`, `vfs_read`, …):
 * 1. `-EBADF` on a closed handle; the access-mode check (`FMODE_READ`).
 * 2. `fget`: the operation holds a reference on the file, so a concurrent
 *    `close()` defers the driver's release until the operation returns
 *    (`__fput` runs on the last reference, as in the kernel).
 * 3. Fenced mode only: enter the device's in-flight section, then load
 *    `file.fops` (see fence/file-fence.ts).
 * 4. No such operation: `-ENOTTY` (ioctl), `-EINVAL` (read/write),
 *    `DEFAULT_POLLMASK` (poll).
 * 5. The owner check (`callbackRunnable`): after a forced module unload the
 *    call is not made; an `execute-after-free` report is filed and the user
 *    gets `-ENODEV` (a real kernel would have jumped into freed text).
 * 6. The call; a negative return becomes the thrown `KernelError`.
 */
import {
  badArg,
  callbackRunnable,
  checkInt,
  checkKernel,
  checkU32,
  type Kernel,
  KernelError,
  mightSleep,
  modulePutOwner,
  type Owner,
  Revocable,
} from '@quiesce/core-devres';
import { DEAD_FOPS, type FileFence } from '../fence/file-fence.js';
import type { MiscDevice } from '../misc/misc-device.js';
import { checkReturn, throwErrno } from './errno-return.js';
import type { FileOperations, IoctlArg } from './fops.js';
import { DEFAULT_POLLMASK, O_ACCMODE, O_RDONLY, O_WRONLY } from './poll.js';
import { UserBuffer } from './user-buffer.js';

/**
 * A syscall's `size_t count`: a `TypeError` for what C cannot hold (NaN, a
 * fraction, a string); a negative count is `rw_verify_area`'s `-EINVAL`.
 */
function checkCount(fnName: string, count: unknown): asserts count is number {
  checkInt(fnName, 'count', count);
  if (count < 0) throw new KernelError('EINVAL', `${fnName}: count ${count} is negative (as ssize_t)`);
}

/** `struct file`: the open file a driver's operations receive. */
export class File {
  /** `f_op`. The fence swaps it to `DEAD_FOPS`. Not readonly on purpose. */
  fops: FileOperations;
  /**
   * @internal The table the file dispatched through before a fence swapped
   * it to `DEAD_FOPS` (the driver's, or a wrapper such as
   * `revocableReplaceFops`'s): the release the fence or a later close runs.
   */
  driverFops: FileOperations;
  /** `private_data`: the misc device on entry to `open`; the driver may replace it. A `Revocable` in revocable mode. */
  privateData: unknown;
  /** `f_pos`: the driver's read/write advance it. */
  pos = 0;
  /** @internal References: the descriptor plus one per operation in progress. */
  refs = 1;
  /** @internal The driver's release has run (or the fence claimed it). */
  driverReleased = false;
  /** @internal The module reference taken at open is still held. */
  holdsModule = true;

  /** @internal Only `open()` creates files (the whole signature is internal). */
  constructor(
    readonly kernel: Kernel,
    /** The misc device this file was opened on. */
    readonly misc: MiscDevice,
    fops: FileOperations,
    /** `f_flags` (`O_RDONLY`, `O_WRONLY`, `O_RDWR`, `O_NONBLOCK`). */
    readonly flags: number,
    /** @internal The device's in-flight counter in fenced mode, else null. */
    readonly fence: FileFence | null,
    /** @internal The owner whose module reference this file holds (`fops_get`). */
    readonly moduleOwner: Owner,
    /** @internal Where the fops were registered (for execute-after-free reports). */
    readonly registeredStack: string | undefined,
    /** @internal The device's set of open files. */
    readonly openFiles: Set<File>,
  ) {
    checkKernel('File.new', kernel, 'kernel');
    this.fops = fops;
    this.driverFops = fops;
    this.privateData = misc;
  }
}

/**
 * Typed access to the `Revocable` holding a revocable-mode file's private
 * data. Errors: `-EINVAL` when the file is not in revocable mode.
 * Context: any.
 */
export function fileRevocable<T>(file: File): Revocable<T> {
  const p = file.privateData;
  if (!(p instanceof Revocable)) throw new KernelError('EINVAL', `${file.misc.name}: file is not in revocable mode`);
  return p as Revocable<T>;
}

function notRunnable(f: File, what: string): KernelError {
  return new KernelError('ENODEV', `${f.misc.name}: ${what} not called, module text freed`);
}

/** @internal Calls the driver's release (return value ignored, as `__fput` does). */
export async function callRelease(k: Kernel, f: File, fops: FileOperations): Promise<void> {
  const op = fops.release;
  if (op !== undefined && callbackRunnable(k, fops.owner, op.name, 'release', f.registeredStack, op)) {
    await op.call(fops, f);
  }
}

/** @internal `fops_put` of the reference taken at open. */
export function dropModuleRef(f: File): void {
  if (!f.holdsModule) return;
  f.holdsModule = false;
  modulePutOwner(f.moduleOwner);
}

/** @internal `__fput`: the last reference is gone. */
async function finalPut(k: Kernel, f: File): Promise<void> {
  // After a fenced-mode fence swapped the table, the fence owns the driver's
  // release; after a sync deregister (misc_deregister_sync) close keeps it.
  const fence = f.fence;
  const closeReleases = f.fops !== DEAD_FOPS || fence?.releaseAtClose === true;
  if (closeReleases && !f.driverReleased) {
    f.driverReleased = true;
    if (fence !== null) fence.active++;
    try {
      await callRelease(k, f, f.fops === DEAD_FOPS ? f.driverFops : f.fops);
    } finally {
      if (fence !== null) fence.exit();
    }
    dropModuleRef(f);
  }
  f.openFiles.delete(f);
  k.trace('fput', `${f.misc.name}`);
}

/**
 * The user's file descriptor on an open misc device. Every method is async
 * (process context: call it from a kernel task) and throws `KernelError`.
 */
export class FileHandle {
  private closed = false;

  constructor(
    private readonly k: Kernel,
    /** The kernel-side file (for tests and tools; drivers receive it in their ops). */
    readonly file: File,
  ) {
    checkKernel('FileHandle.new', k);
  }

  /** True once {@link FileHandle.close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  private live(): File {
    if (this.closed) throw new KernelError('EBADF', 'file descriptor is closed');
    return this.file;
  }

  /**
   * `ioctl(fd, cmd, arg)` → `vfs_ioctl`. Returns the driver's non-negative
   * result. Errors: `-EBADF` (closed), `-ENOTTY` (no `unlockedIoctl`, or the
   * driver's answer), `-ENODEV` (fenced after deregister; module text gone),
   * whatever the driver returns; a `TypeError` for a `cmd` that is not an
   * `unsigned int` or an `arg` that is neither an integer, a `UserBuffer`
   * nor null. Context: may sleep.
   */
  async ioctl(cmd: number, arg: IoctlArg = 0): Promise<number> {
    checkU32('ioctl', 'cmd', cmd);
    if (arg !== null && !(arg instanceof UserBuffer) && !Number.isSafeInteger(arg))
      throw badArg('ioctl', 'arg', 'an integer, a UserBuffer or null', arg);
    const r = await this.callOp(
      'ioctl',
      (o) => o.unlockedIoctl,
      (f) => new KernelError('ENOTTY', `${f.misc.name}: no unlocked_ioctl`),
      (op, fops, f) => op.call(fops, f, cmd, arg),
    );
    return r < 0 ? throwErrno(r, 'ioctl') : r;
  }

  /**
   * `read(fd, buf, count)` → `vfs_read` into user memory `buf`. Returns the
   * bytes read. Errors: `-EBADF` (closed, or opened `O_WRONLY`), `-EINVAL`
   * (no read op), `-EFAULT` (the driver's copy to `buf` faulted), `-ENODEV`
   * as for ioctl; a negative `count` is `-EINVAL`, a non-integer one a
   * `TypeError`. Context: may sleep.
   */
  async readInto(buf: UserBuffer, count: number = buf?.length ?? 0): Promise<number> {
    checkCount('read', count);
    if ((this.live().flags & O_ACCMODE) === O_WRONLY) throw new KernelError('EBADF', 'file not open for reading');
    const r = await this.callOp(
      'read',
      (o) => o.read,
      (f) => new KernelError('EINVAL', `${f.misc.name}: no read`),
      (op, fops, f) => op.call(fops, f, buf, count),
    );
    return r < 0 ? throwErrno(r, 'read') : r;
  }

  /** `read()` of up to `count` bytes into fresh memory; returns the bytes read. Errors as {@link FileHandle.readInto}. */
  async read(count: number): Promise<Uint8Array> {
    checkCount('read', count); // before the user memory is allocated
    const b = UserBuffer.alloc(count);
    const n = await this.readInto(b, count);
    return b.bytes.subarray(0, n);
  }

  /**
   * `write(fd, data, count)` → `vfs_write`. `data` is user memory (a
   * `Uint8Array` is wrapped). Returns the bytes written. Errors: `-EBADF`
   * (closed, or opened `O_RDONLY`), `-EINVAL` (no write op), `-EFAULT`,
   * `-ENODEV` as for ioctl; `count` as for read; a `TypeError` for `data`
   * that is not user memory. Context: may sleep.
   */
  async write(data: Uint8Array | UserBuffer, count?: number): Promise<number> {
    if (!(data instanceof UserBuffer) && !(data instanceof Uint8Array))
      throw badArg('write', 'data', 'a Uint8Array or a UserBuffer', data);
    const buf = data instanceof UserBuffer ? data : new UserBuffer(data);
    const n = count ?? buf.length;
    checkCount('write', n);
    if ((this.live().flags & O_ACCMODE) === O_RDONLY) throw new KernelError('EBADF', 'file not open for writing');
    const r = await this.callOp(
      'write',
      (o) => o.write,
      (f) => new KernelError('EINVAL', `${f.misc.name}: no write`),
      (op, fops, f) => op.call(fops, f, buf, n),
    );
    return r < 0 ? throwErrno(r, 'write') : r;
  }

  /**
   * `vfs_poll`: the readiness mask now (`EPOLLIN`…); `DEFAULT_POLLMASK`
   * without a poll op; `EPOLLERR | EPOLLHUP` once fenced. Does not wait.
   * Errors: `-EBADF`, `-ENODEV` (module text gone). Context: may sleep.
   */
  async poll(): Promise<number> {
    return this.callOp(
      'poll',
      (o) => o.poll,
      () => DEFAULT_POLLMASK,
      async (op, fops, f) => checkReturn(await op.call(fops, f), 'poll'),
    );
  }

  /**
   * One file operation as the VFS makes it: a reference on the file for its
   * duration, in-flight accounting for a fence, the owner check, and the
   * final put if the file was closed meanwhile. `missing` answers when the
   * driver has no such operation: an error to throw, or a value to return.
   */
  private async callOp<F extends (this: FileOperations, ...args: never[]) => Promise<number>>(
    what: string,
    pick: (fops: FileOperations) => F | undefined,
    missing: (f: File) => KernelError | number,
    invoke: (op: F, fops: FileOperations, f: File) => Promise<number>,
  ): Promise<number> {
    // A system call is process context by construction (vfs_read's fdget_pos may take f_pos_lock).
    mightSleep(this.k, `vfs_${what}`);
    this.k.census?.count('syscall');
    const f = this.live();
    f.refs++;
    const fence = f.fence;
    if (fence !== null) fence.active++;
    if (fence !== null) this.k.census?.countAll('atomic_rmw', 'atomic_rmw'); // the fence's in-flight count: enter, exit
    try {
      const fops = f.fops;
      const op = pick(fops);
      if (op === undefined) {
        const m = missing(f);
        if (typeof m === 'number') return m;
        throw m;
      }
      if (!callbackRunnable(this.k, fops.owner, op.name, what, f.registeredStack, op)) throw notRunnable(f, what);
      return await invoke(op, fops, f);
    } finally {
      if (fence !== null) fence.exit();
      if (--f.refs === 0) await finalPut(this.k, f);
    }
  }

  /**
   * `close(fd)`: drops the descriptor's reference; on the last reference the
   * driver's release runs and the module reference is dropped (`__fput`).
   * With an operation still in progress that happens when it returns.
   * Errors: `-EBADF` on a second close. Context: may sleep.
   */
  async close(): Promise<void> {
    mightSleep(this.k, 'filp_close'); // __fput runs the driver's release, which may sleep
    const f = this.live();
    this.closed = true;
    if (--f.refs === 0) await finalPut(this.k, f);
  }
}
