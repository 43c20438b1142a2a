/**
 * The kernel's own sanitizer reports, built here and filed by the
 * {@link Kernel} facade (which adds the call stack, so the first frame stays
 * the caller's): `might_sleep()`'s "sleeping function called from invalid
 * context" (kernel/sched/core.c: __might_resched), and the list of blocked
 * tasks the deadlock trace and `exec`'s error name (the deadlock report itself
 * is built by the wait-for graph, docs/lockdep.md).
 *
 * # Invariants
 * - Pure: these functions build report inputs and strings; they file nothing
 *   and read no kernel state, so the caller decides context and stacks.
 */
import type { ContextInfo } from '../sanitizer/report.js';
import type { ReportInput } from '../sanitizer/sanitizer.js';
import type { BlockedTask } from './scheduler.js';

/** The `sleep-in-atomic` report for a sleeping call `what` made in context `ctx`. */
export function sleepInAtomicReport(
  what: string,
  ctx: ContextInfo,
  irqsDisabled: boolean,
): Omit<ReportInput, 'stacks'> {
  return {
    kind: 'sleep-in-atomic',
    title: `BUG: sleeping function called from invalid context at ${what}`,
    resource: what,
    detail: `in_atomic(): 1, irqs_disabled(): ${irqsDisabled ? 1 : 0}, non_block: 0, pid: ${ctx.pid}, name: ${ctx.name}`,
  };
}

/** `name/pid waiting on X; ...` for traces and messages. */
export function describeBlocked(blocked: readonly BlockedTask[]): string {
  return blocked.map((b) => `${b.name}/${b.pid} waiting on ${b.waitingOn}`).join('; ');
}
