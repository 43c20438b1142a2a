/**
 * The options of a `Kernel`: machine size, scheduling strategy, sanitizer
 * mode, trace and step limits. No kernel file: these are the simulated
 * machine's boot parameters (`nr_cpus=`, `rcupdate.*` and friends, plus the
 * simulation's own).
 *
 * # Invariants
 * - Read once, by the `Kernel` constructor; changing the object later has no
 *   effect on the kernel.
 */
import type { SanitizerMode } from '../sanitizer/sanitizer.js';
import type { ChoicePoint, Strategy } from './strategy.js';

/** Options of `new Kernel(opts)`; every field has a default. */
export interface KernelOptions {
  /** Virtual CPUs (default 2). */
  cpus?: number;
  /** Seed for `random` and `pct` (default 1). */
  seed?: number;
  /** Scheduling strategy (default `fifo`). */
  strategy?: Strategy;
  /** PCT bug depth d (default 3): d-1 priority change points. */
  pctDepth?: number;
  /** PCT's estimate of the number of steps in a run (default 1000). */
  pctSteps?: number;
  /** Sanitizer mode (default `report`). */
  sanitizer?: SanitizerMode;
  /** Decisions to replay; when exhausted, scheduling falls back to `fifo`. */
  replay?: readonly number[];
  /** A chooser that overrides the strategy (used by the explorer). */
  chooser?: (p: ChoicePoint) => number;
  /** Record the event trace (default true; benchmarks turn it off). */
  trace?: boolean;
  /** Trace events kept (default 10^6): older ones are dropped so a livelock cannot exhaust memory. */
  traceLimit?: number;
  /** Scheduler steps one `run()`/`runFor()` may take before it gives up (default 10^7). */
  maxSteps?: number;
  /** Virtual duration of an RCU grace period in ns (default 1 ms). */
  rcuGracePeriodNs?: number;
  /**
   * `hung_task_timeout_secs` in ns (default 120 s): a task blocked this long
   * in virtual time is a `hung-task` report; 0 disables the detector.
   */
  hungTaskTimeoutNs?: number;
  /**
   * Run lockdep (default false): lock classes, the dependency graph and
   * `possible-circular-locking` reports. Off, lock primitives pay one field test.
   */
  lockdep?: boolean;
  /** Count the kernel primitives every path executes (`kernel.census`; default false: no cost). */
  census?: boolean;
}
