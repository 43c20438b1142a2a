/**
 * The shared `might_sleep()` annotation (include/linux/kernel.h) for APIs that
 * may sleep but do not block this time (an allocation with GFP_KERNEL, a PCI
 * config write): called first in the function, it reports
 * `sleep-in-atomic` in atomic context whether or not the call would block
 * (docs/validation.md). Unlike `Kernel.mightSleep` it does not require a task:
 * outside the simulation (a test's setup) nothing can be atomic.
 *
 * One report per call chain: a sleeping API built on others (`dmam_alloc_coherent`
 * on `dma_alloc_coherent` and `devres_add`) is annotated at every level, as in
 * the kernel, but only the outermost annotation reports; the nested ones in
 * the same synchronous stretch of the same context are quiet. The kernel gets
 * the same effect from `__might_resched()`'s rate limit (one splat per HZ);
 * quiesce scopes it to the stretch so two bugs in two callbacks stay two
 * findings (docs/validation.md).
 */
import { checkKernel } from './check-kernel.js';
import type { Kernel } from './kernel.js';
import { contextKey, QUIET } from './might-sleep-quiet.js';

const NAMES = new Set<string>();

/**
 * `might_sleep()` for `what` (the kernel function's name). Context: may
 * sleep. Returns: false in atomic context (after filing `sleep-in-atomic`,
 * unless an enclosing annotated call of the same stretch already did), true
 * otherwise; the caller goes on either way unless it would block.
 * Errors: a `TypeError` when `k` is not a Kernel.
 */
export function mightSleep(k: Kernel, what: string): boolean {
  checkKernel('might_sleep', k);
  NAMES.add(what);
  if (!k.inAtomic()) return true;
  const quiet = QUIET.get(k);
  const key = contextKey(k);
  if (quiet.key === key) return false;
  const ok = k.mightSleep(what); // files the report (in panic mode, throws it)
  quiet.key = key;
  // The stretch ends at the next microtask: every nested annotation runs synchronously before it.
  void Promise.resolve().then(() => {
    quiet.key = null;
  });
  return ok;
}

/** The names annotated with {@link mightSleep} so far in this process (for the may-sleep walk test). Context: any. */
export function mightSleepNames(): ReadonlySet<string> {
  return NAMES;
}
