/** Emulates kernel/rcu/tree.c and include/linux/rcupdate.h (non-preemptible tree RCU). */
import { checkKernel } from '../check-kernel.js';
import type { Kernel } from '../kernel.js';
import { KernelLocal } from '../kernel-local.js';
import { sleepNs } from './sleep.js';
import { WaitQueue } from './wait-queue.js';

/**
 * RCU (tree RCU, non-preemptible flavour): read-side sections are atomic
 * (sleeping inside one is a `sleep-in-atomic` report) and
 * `synchronizeRcu()` waits for every reader that was inside a section when
 * it was called, and for no reader that started later.
 */
interface RcuState {
  readonly readers: Set<{ open: boolean }>;
  readonly wq: WaitQueue;
}

const KEY = new KernelLocal(
  (k: Kernel): RcuState => ({ readers: new Set(), wq: new WaitQueue(k, 'rcu grace period') }),
);

function state(k: Kernel): RcuState {
  return KEY.get(k);
}

/** `rcu_read_lock()`. Context: any; nests. Errors: a `TypeError` when `k` is not a Kernel. */
export function rcuReadLock(k: Kernel): void {
  checkKernel('rcu_read_lock', k);
  k.census?.count('rcu_read_lock');
  const r = k.rcuEnter();
  if (r !== null) state(k).readers.add(r);
}

/** `rcu_read_unlock()`. Context: any. An unbalanced unlock warns. Errors: a `TypeError` when `k` is not a Kernel. */
export function rcuReadUnlock(k: Kernel): void {
  checkKernel('rcu_read_unlock', k);
  k.census?.count('rcu_read_unlock');
  if (k.rcuExit()) {
    const s = state(k);
    for (const r of s.readers) if (!r.open) s.readers.delete(r);
    s.wq.wakeUp();
  }
}

/**
 * `synchronize_rcu()`: waits for all pre-existing readers, then for the rest
 * of a grace period (`rcuGracePeriodNs` of virtual time from the call).
 * Context: may sleep. Errors: a `TypeError` (rejected promise) when `k` is
 * not a Kernel.
 */
export async function synchronizeRcu(k: Kernel): Promise<void> {
  checkKernel('synchronize_rcu', k);
  if (!k.mightSleep('synchronize_rcu')) return;
  k.census?.countAll('synchronize_rcu', 'gp_rcu');
  const start = k.now;
  const s = state(k);
  const snapshot = [...s.readers].filter((r) => r.open);
  k.trace('synchronize_rcu', `${snapshot.length} pre-existing reader(s)`);
  await s.wq.waitEvent(() => snapshot.every((r) => !r.open), 'synchronize_rcu');
  const rest = start + k.rcuGracePeriodNs - k.now;
  // The grace period is counted as gp_rcu, not as the timer the simulation sleeps on.
  if (rest > 0) await sleepNs(k, rest, 'synchronize_rcu', false);
}

/** Number of RCU readers currently inside a section (for tests and leak checks). */
export function rcuReaders(k: Kernel): number {
  checkKernel('rcu_readers', k);
  let n = 0;
  for (const r of state(k).readers) if (r.open) n++;
  return n;
}
