/**
 * A full SRCU grace period on the virtual clock, counted per kernel.
 *
 * `Srcu.synchronizeSrcu()` (kernel/sync/srcu.ts) waits for the readers
 * present at the call and no longer. A kernel `synchronize_srcu()` also
 * costs a grace period of its own even with no reader inside, and the point
 * of the srcu-device and c-revocable disciplines (docs/disciplines.md) is how
 * many of those an unbind pays: one per device against one per provider.
 * This wrapper adds the rest of a grace period (`rcuGracePeriodNs` of virtual
 * time from the call, as `synchronizeRcu` does) and counts it, without
 * changing the primitive other code uses.
 */
import { checkKernel } from '../kernel/check-kernel.js';
import type { Kernel } from '../kernel/kernel.js';
import { KernelLocal } from '../kernel/kernel-local.js';
import { sleepNs } from '../kernel/sync/sleep.js';
import { badArg } from '../kernel/validate.js';

/** What a grace period needs of an SRCU domain (`Srcu` and `SrcuStruct` both fit). */
export interface SrcuDomain {
  readonly name: string;
  readonly readers: number;
  synchronizeSrcu(): Promise<void>;
}

const COUNT = new KernelLocal(() => ({ n: 0 }));

function count(k: Kernel): { n: number } {
  return COUNT.get(k);
}

/**
 * `synchronize_srcu(ssp)` with its grace period: waits for every reader of
 * `srcu` present at the call, then for the rest of a grace period. Counts one
 * grace period on the kernel. Context: may sleep (from atomic context a
 * `sleep-in-atomic` report, and it returns at once, waiting for nothing).
 * Errors: a `TypeError` (rejected promise) when `k` is not a Kernel or
 * `srcu` not an SRCU domain (an object with a `synchronizeSrcu` method).
 */
export async function synchronizeSrcuGp(k: Kernel, srcu: SrcuDomain): Promise<void> {
  checkKernel('synchronize_srcu', k);
  if (typeof (srcu as Partial<SrcuDomain> | null)?.synchronizeSrcu !== 'function')
    throw badArg('synchronize_srcu', 'ssp', 'an SRCU domain (Srcu or SrcuStruct)', srcu);
  if (!k.mightSleep(`synchronize_srcu ${srcu.name}`)) return;
  const start = k.now;
  count(k).n++;
  k.census?.countAll('synchronize_srcu', 'gp_srcu');
  if (k.tracing) k.trace('synchronize_srcu', `${srcu.name}: ${srcu.readers} reader(s)`);
  await srcu.synchronizeSrcu();
  const rest = start + k.rcuGracePeriodNs - k.now;
  // The grace period is counted as gp_srcu, not as the timer the simulation sleeps on.
  if (rest > 0) await sleepNs(k, rest, `synchronize_srcu ${srcu.name}`, false);
}

/** SRCU grace periods waited on `k` so far through {@link synchronizeSrcuGp} (for benchmarks and tests). */
export function srcuGracePeriods(k: Kernel): number {
  checkKernel('srcu_grace_periods', k);
  return count(k).n;
}
