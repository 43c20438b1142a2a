/**
 * `might_fault()` (mm/memory.c, with CONFIG_DEBUG_ATOMIC_SLEEP): every user
 * copy may take a page fault, which may sleep, so `copy_to_user` and friends
 * check the context whether or not this copy would fault. A `UserBuffer`
 * belongs to no kernel, so the check is made in the kernel the caller runs
 * in (core `runningKernel`: the innermost running one): a copy inside a
 * spinlock, an RCU read-side section or an interrupt is then
 * `sleep-in-atomic`, the classic bug. With no kernel running there is no
 * context to check.
 */
import { mightSleep, runningKernel } from '@quiesce/core-devres';

/** Checks the context of a user copy named `what` (`copy_to_user`). Context: may sleep. */
export function mightFault(what: string): void {
  const k = runningKernel();
  if (k?.inAtomic()) mightSleep(k, what);
}
