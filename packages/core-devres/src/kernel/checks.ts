/**
 * The checks a kernel makes on waits and locks (docs/design.md §5): the
 * blocked-task watcher (wait-for cycles, hung tasks, tasks stuck at the end)
 * and lockdep, made from the kernel's options.
 */
import type { ReportInput, Sanitizer } from '../sanitizer/sanitizer.js';
import type { Clock } from './clock.js';
import type { Contexts } from './context.js';
import { BlockWatch } from './hung-task.js';
import type { KernelOptions } from './kernel-options.js';
import { Lockdep } from './lockdep.js';
import type { Scheduler } from './scheduler.js';
import type { Tracer } from './trace.js';
import { badArg } from './validate.js';
import { WeakSlot } from './weak-slot.js';

/** `hung_task_timeout_secs` default: 120 s. */
export const HUNG_TASK_TIMEOUT_NS = 120e9;

/** The checks of one kernel. */
export interface Checks {
  readonly watch: BlockWatch;
  readonly lockdep: Lockdep | null;
}

// A WeakSlot, not a WeakMap: the checks reach their kernel's tasks (weak-slot.ts).
const CHECKS = new WeakSlot<object, Checks>('kernel checks');

/**
 * Files a `hung-task` report for every task of `k` still blocked (not idle,
 * not in a timed sleep, not already reported): a scenario's end, where a
 * blocked task is a finding, never clean (docs/design.md §5).
 * Context: outside a run. Returns: how many were reported. Errors: a
 * `TypeError` when `k` is not a Kernel.
 */
export function reportBlockedTasks(k: object, why = 'the end of the scenario'): number {
  // Structural (kernel.ts imports this file): every Kernel has its checks; anything else is not one.
  const checks = typeof k === 'object' && k !== null ? CHECKS.get(k) : undefined;
  if (checks === undefined) throw badArg('reportBlockedTasks', 'k', 'a Kernel', k);
  return checks.watch.reportStuck(why);
}

/** Makes the watcher and (when `opts.lockdep`) the lock validator of one kernel. */
export function makeChecks(
  owner: object,
  opts: KernelOptions,
  clock: Clock,
  ctx: Contexts,
  sched: Scheduler,
  sanitizer: Sanitizer,
  tracer: Tracer,
): Checks {
  const trace = (ev: string, detail: string): void => tracer.record(ev, detail);
  const report = (input: ReportInput): void => void sanitizer.report(input);
  const hungNs = opts.hungTaskTimeoutNs ?? HUNG_TASK_TIMEOUT_NS;
  if (!(hungNs >= 0)) throw new RangeError(`Kernel: hungTaskTimeoutNs must be ≥ 0, got ${hungNs}`);
  const mode = () => sanitizer.mode;
  const watch = new BlockWatch({ clock, tasks: sched.tasks, mode, report, trace }, hungNs);
  const stacks = () => sanitizer.mode === 'report' || sanitizer.mode === 'panic';
  const lockdep = opts.lockdep === true ? new Lockdep({ ctx, stacks, report }) : null;
  const checks = { watch, lockdep };
  CHECKS.set(owner, checks);
  return checks;
}
