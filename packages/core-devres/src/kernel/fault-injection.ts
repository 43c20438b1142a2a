/**
 * Fault injection for simulated allocations (mm/failslab.c and
 * lib/fault-inject.c, reduced to "fail the next n").
 *
 * # Invariants
 * - `pending` never goes below zero; each failing allocation consumes one.
 */

/** Pending injected allocation failures of one kernel. */
export class FaultInjection {
  private pending = 0;

  /** The next `n` allocations fail (replaces any count still pending). */
  failNext(n: number): void {
    this.pending = n;
  }

  /** True when this allocation should fail; consumes one injected fault. */
  allocFails(): boolean {
    if (this.pending === 0) return false;
    this.pending--;
    return true;
  }
}
