/**
 * The shared `might_sleep()` annotation (include/linux/kernel.h) for APIs that
 * may sleep but do not block this time (an allocation with GFP_KERNEL, a PCI
 * config write): called first in the function, it reports
 * `sleep-in-atomic` in atomic context whether or not the call would block
 * (docs/validation.md). Unlike `Kernel.mightSleep` it does not require a task:
 * outside the simulation (a test's setup) nothing can be atomic.
 */
import type { Kernel } from './kernel.js';

const NAMES = new Set<string>();

/**
 * `might_sleep()` for `what` (the kernel function's name). Context: may
 * sleep. Returns: false (after filing `sleep-in-atomic`) in atomic context,
 * true otherwise; the caller goes on either way unless it would block.
 */
export function mightSleep(k: Kernel, what: string): boolean {
  NAMES.add(what);
  if (!k.inAtomic()) return true;
  return k.mightSleep(what);
}

/** The names annotated with {@link mightSleep} so far in this process (for the may-sleep walk test). Context: any. */
export function mightSleepNames(): ReadonlySet<string> {
  return NAMES;
}
