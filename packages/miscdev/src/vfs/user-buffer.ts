/**
 * User memory as a driver sees it: a `char __user *`.
 *
 * A {@link UserBuffer} is a window on user memory (a `Uint8Array`), a NULL
 * pointer ({@link UserBuffer.null}), or memory the user has since unmapped
 * ({@link UserBuffer.munmap}). Drivers never touch it directly: they copy with
 * {@link copyToUser} / {@link copyFromUser}, which, as in the kernel, return
 * the number of bytes NOT copied; a driver turns a short copy into `-EFAULT`.
 * Anything that is not a mapped `UserBuffer` (an integer ioctl argument used
 * as a pointer, null, undefined) faults on every byte.
 *
 * Unmapping never detaches an `ArrayBuffer` (docs/design.md §4: a detach slows
 * every typed-array access in the isolate); it drops the reference instead.
 */
import { badArg, checkInt, checkIntRange, KernelError } from '@quiesce/core-devres';
import { mightFault } from './might-fault.js';

export class UserBuffer {
  private mem: Uint8Array | null;

  /** User memory backed by `mem` (a view: the driver's copies land in it). Errors: a `TypeError` for anything else. */
  constructor(mem: Uint8Array | null) {
    if (mem !== null && !(mem instanceof Uint8Array)) throw badArg('UserBuffer', 'mem', 'a Uint8Array or null', mem);
    this.mem = mem;
  }

  /** A NULL user pointer: every copy faults. */
  static null(): UserBuffer {
    return new UserBuffer(null);
  }

  /** `count` bytes of fresh, zeroed user memory. Errors: a `TypeError` unless `count` is an integer ≥ 0. */
  static alloc(count: number): UserBuffer {
    checkIntRange('UserBuffer.alloc', 'count', count, 0, 2 ** 31 - 1);
    return new UserBuffer(new Uint8Array(count));
  }

  /** Mapped length in bytes (0 for NULL or unmapped memory). */
  get length(): number {
    return this.mem === null ? 0 : this.mem.length;
  }

  /** True for a NULL pointer or unmapped memory. */
  get faulting(): boolean {
    return this.mem === null;
  }

  /** The user's own view of the memory (user side only). Throws on NULL/unmapped memory. */
  get bytes(): Uint8Array {
    if (this.mem === null) throw new KernelError('EFAULT', 'user buffer is NULL or unmapped');
    return this.mem;
  }

  /** `munmap()`: later copies from or to this memory fault. */
  munmap(): void {
    this.mem = null;
  }

  /** @internal */
  raw(): Uint8Array | null {
    return this.mem;
  }
}

function mapped(u: unknown): Uint8Array | null {
  return u instanceof UserBuffer ? u.raw() : null;
}

/**
 * `copy_to_user(to + offset, from, n)`: copies `from` into user memory.
 * Returns the number of bytes not copied (0 on success); a copy that runs off
 * the end of the mapping copies what fits. Context: may fault, so may sleep
 * (`might_fault()`: from atomic context a `sleep-in-atomic` report, checked in
 * the running kernel; the copy is still made).
 * Errors: a `TypeError` for a non-integer `offset` or a `from` that is not
 * kernel memory (C's pointer arithmetic and types cannot express them).
 */
export function copyToUser(to: unknown, from: Uint8Array, offset = 0): number {
  if (!(from instanceof Uint8Array)) throw badArg('copy_to_user', 'from', 'a Uint8Array', from);
  checkInt('copy_to_user', 'offset', offset);
  mightFault('copy_to_user');
  const m = mapped(to);
  if (m === null || offset < 0 || offset > m.length) return from.length;
  const n = Math.min(from.length, m.length - offset);
  m.set(n === from.length ? from : from.subarray(0, n), offset);
  return from.length - n;
}

/**
 * `copy_from_user(to, from + offset, n)` with `n = to.length`. Returns the
 * number of bytes not copied; the uncopied tail of `to` is zeroed, as the
 * kernel does. Context: may fault (as {@link copyToUser}). Errors: as
 * {@link copyToUser}.
 */
export function copyFromUser(to: Uint8Array, from: unknown, offset = 0): number {
  if (!(to instanceof Uint8Array)) throw badArg('copy_from_user', 'to', 'a Uint8Array', to);
  checkInt('copy_from_user', 'offset', offset);
  mightFault('copy_from_user');
  const m = mapped(from);
  if (m === null || offset < 0 || offset > m.length) {
    to.fill(0);
    return to.length;
  }
  const n = Math.min(to.length, m.length - offset);
  to.set(m.subarray(offset, offset + n));
  if (n < to.length) to.fill(0, n);
  return to.length - n;
}

/**
 * `get_user()` of a little-endian u32 at `from + offset`.
 * Context: may fault (as {@link copyToUser}).
 * Returns the value. Errors: `-EFAULT` when the 4 bytes are not all mapped;
 * a `TypeError` for a non-integer `offset`.
 */
export function getUserU32(from: unknown, offset = 0): number {
  checkInt('get_user', 'offset', offset);
  mightFault('get_user');
  const m = mapped(from);
  if (m === null || offset < 0 || offset + 4 > m.length) throw new KernelError('EFAULT', 'get_user: bad address');
  return (
    ((m[offset] as number) |
      ((m[offset + 1] as number) << 8) |
      ((m[offset + 2] as number) << 16) |
      ((m[offset + 3] as number) << 24)) >>>
    0
  );
}

/**
 * `put_user()` of a little-endian u32 at `to + offset`. Context: may fault
 * (as {@link copyToUser}).
 * Errors: `-EFAULT` when the 4 bytes are not all mapped (nothing written);
 * a `TypeError` for a non-integer `offset` or a `value` no u32/s32 holds.
 */
export function putUserU32(to: unknown, value: number, offset = 0): void {
  checkInt('put_user', 'offset', offset);
  checkIntRange('put_user', 'value', value, -0x8000_0000, 0xffff_ffff);
  mightFault('put_user');
  const m = mapped(to);
  if (m === null || offset < 0 || offset + 4 > m.length) throw new KernelError('EFAULT', 'put_user: bad address');
  m[offset] = value & 0xff;
  m[offset + 1] = (value >>> 8) & 0xff;
  m[offset + 2] = (value >>> 16) & 0xff;
  m[offset + 3] = (value >>> 24) & 0xff;
}
