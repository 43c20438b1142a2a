/**
 * `-ENOEXEC`, which the core's errno table does not list (yet). Thrown as a
 * {@link KernelError} carrying the kernel's number, so `err.errno === -8`.
 */
import { KernelError } from '@quiesce/core-devres';

/** `ENOEXEC` (8), include/uapi/asm-generic/errno-base.h. */
export const ENOEXEC = 8;

/** `-ENOEXEC (8) Exec format error`: the module is malformed (e.g. exports a duplicate symbol). */
export class ExecFormatError extends KernelError {
  constructor(detail: string) {
    super('EINVAL', detail);
    // The core's ErrnoName has no ENOEXEC: overwrite the fields the base set.
    Object.defineProperty(this, 'errno', { value: -ENOEXEC });
    Object.defineProperty(this, 'code', { value: 'ENOEXEC' });
    this.message = `-ENOEXEC (${ENOEXEC}) Exec format error: ${detail}`;
  }
}
