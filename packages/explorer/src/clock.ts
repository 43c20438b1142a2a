/**
 * Wall-clock time for the explorer's own budgets and progress display. This
 * is the only wall-clock read in the package and it never reaches a
 * simulated kernel: the explorer runs outside the simulation, and results
 * for a schedule budget do not depend on it (only a time budget does).
 */
import { performance } from 'node:perf_hooks';

/** Milliseconds since an arbitrary origin (monotonic). */
export function wallMs(): number {
  return performance.now();
}
