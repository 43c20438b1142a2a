/**
 * Kernel error numbers and the error type every quiesce API throws.
 *
 * The kernel returns `-ERRNO` from a failing call; a TypeScript caller gets a
 * thrown {@link KernelError} instead, carrying the same name and number, so
 * `err.errno === -16` and `err.code === 'EBUSY'` read as they would in C.
 */

/** errno values from include/uapi/asm-generic/errno-base.h and errno.h. */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOTTY: 25,
  ENOSPC: 28,
  ERANGE: 34,
  ENOSYS: 38,
  EOVERFLOW: 75,
  ETIMEDOUT: 110,
  ECANCELED: 125,
} as const;

/** The name of an errno, e.g. `'EBUSY'`. `EWOULDBLOCK` is `EAGAIN` (11), as on Linux. */
export type ErrnoName = keyof typeof ERRNO | 'EWOULDBLOCK';

const DESCRIPTIONS: Record<ErrnoName, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EINTR: 'Interrupted system call',
  EIO: 'I/O error',
  ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long',
  ENOEXEC: 'Exec format error',
  EBADF: 'Bad file number',
  EAGAIN: 'Try again',
  EWOULDBLOCK: 'Operation would block',
  ENOMEM: 'Out of memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  EINVAL: 'Invalid argument',
  ENOTTY: 'Not a typewriter',
  ENOSPC: 'No space left on device',
  ERANGE: 'Math result not representable',
  ENOSYS: 'Invalid system call number',
  EOVERFLOW: 'Value too large for defined data type',
  ETIMEDOUT: 'Connection timed out',
  ECANCELED: 'Operation Canceled',
};

/** Positive errno number for a name (`errno('EBUSY') === 16`). */
export function errno(name: ErrnoName): number {
  return name === 'EWOULDBLOCK' ? ERRNO.EAGAIN : ERRNO[name];
}

/**
 * A failing kernel call. `errno` is negative, as the kernel returns it.
 *
 * The message reads `-EBUSY (16) Device or resource busy: <detail>` so that a
 * log line says both what the kernel would have returned and why.
 */
export class KernelError extends Error {
  /** The errno name, e.g. `'ENODEV'`. */
  readonly code: ErrnoName;
  /** The value the kernel function would return, e.g. `-19`. */
  readonly errno: number;

  constructor(code: ErrnoName, detail?: string) {
    const n = errno(code);
    super(`-${code} (${n}) ${DESCRIPTIONS[code]}${detail ? `: ${detail}` : ''}`);
    this.name = 'KernelError';
    this.code = code;
    this.errno = -n;
  }
}

/** True when `e` is a {@link KernelError}, optionally of a given errno name. */
export function isKernelError(e: unknown, code?: ErrnoName): e is KernelError {
  if (!(e instanceof KernelError)) return false;
  if (code === undefined) return true;
  return e.errno === -errno(code);
}
