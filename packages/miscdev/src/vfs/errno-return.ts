/**
 * Kernel-style return values: a driver operation may `return -ENOTTY`
 * instead of throwing. These helpers turn such a value into the thrown
 * `KernelError` the user side sees.
 */
import { ERRNO, type ErrnoName, KernelError } from '@quiesce/core-devres';

const NAMES = new Map<number, ErrnoName>();
for (const [name, n] of Object.entries(ERRNO)) NAMES.set(n, name as ErrnoName);

/** Throws the `KernelError` for a negative errno `r` (unknown numbers become `-EINVAL` naming the value). */
export function throwErrno(r: number, what: string): never {
  const name = NAMES.get(-r);
  if (name === undefined) throw new KernelError('EINVAL', `${what} returned unknown errno ${r}`);
  throw new KernelError(name, `${what} returned ${r}`);
}

/** Returns `r` if it is not negative, else throws its `KernelError`. */
export function checkReturn(r: unknown, what: string): number {
  if (typeof r !== 'number') return 0;
  return r < 0 ? throwErrno(r, what) : r;
}
