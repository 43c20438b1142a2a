/**
 * `might_fault()` (mm/memory.c, with CONFIG_DEBUG_ATOMIC_SLEEP): every user
 * copy may take a page fault, which may sleep, so `copy_to_user` and friends
 * check the context whether or not this copy would fault. A `UserBuffer`
 * belongs to no kernel, so the check is made in the one kernel running
 * (core `onlyRunningKernel`): a copy inside a spinlock, an RCU read-side
 * section or an interrupt is then `sleep-in-atomic`, the classic bug. With
 * no kernel (or several) running there is no context to check.
 */
import { mightSleep, onlyRunningKernel } from '@quiesce/core-devres';

/** Checks the context of a user copy named `what` (`copy_to_user`). Context: may sleep. */
export function mightFault(what: string): void {
  const k = onlyRunningKernel();
  if (k?.inAtomic()) mightSleep(k, what);
}
