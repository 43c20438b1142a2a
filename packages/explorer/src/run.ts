/**
 * One schedule: build a kernel with the schedule's strategy, let the scenario
 * build its world, run it, and collect what went wrong.
 */
import {
  type ChoicePoint,
  Kernel,
  type KernelOptions,
  type RunResult,
  releaseKernelBuffers,
  reportBlockedTasks,
  type Strategy,
} from '@quiesce/core-devres';
import { type Finding, fromError, fromReport } from './finding.js';
import type { Scenario } from './scenario.js';

/** How one schedule is chosen. */
export interface ScheduleSpec {
  /** Kernel strategy (`fifo` when a chooser or replay drives the run). */
  strategy: Strategy;
  seed: number;
  pctDepth?: number;
  pctSteps?: number;
  /** Decisions to replay first (the kernel's own replay). */
  replay?: readonly number[];
  /** Overrides the strategy at every decision not covered by `replay`. */
  chooser?: (p: ChoicePoint) => number;
  /** Record the event trace (off while exploring: only the finding is traced, by replay). */
  trace?: boolean;
  /** Capture call traces for reports (default true; the search turns them off, the replay of a finding keeps them). */
  stacks?: boolean;
  /**
   * Hand the world's buffers back for the next run when this one is over
   * (releaseKernelBuffers): `RunOutcome.kernel` must then not be used.
   * The search, shrinking and exhaustive runs recycle; replays do not.
   */
  recycle?: boolean;
  /** Step budget of one run (default: the scenario's, else 1,000,000). */
  maxSteps?: number;
}

/** What one schedule did. */
export interface RunOutcome {
  /** Reports in filing order, then the oops or hang that ended the run, if any. */
  findings: Finding[];
  /** For each finding, the trace length when it was filed (where the excerpt ends). */
  traceMarks: number[];
  /** The decisions taken (replaying them reproduces the run). */
  decisions: number[];
  /** Candidates at each decision. */
  widths: number[];
  /** The run's result, or null when it ended in an oops or hang. */
  result: RunResult | null;
  /** The schedule ran to completion: no oops or hang, and no task left blocked (docs/design.md §5). */
  complete: boolean;
  kernel: Kernel;
}

/** Thrown when a replayed decision does not fit the run (the schedule diverged). */
export class DivergedError extends Error {
  override name = 'DivergedError';
}

/** Runs in flight without stacks, and the stack trace limit they replaced. */
let quietRuns = 0;
let savedLimit = Error.stackTraceLimit;

/**
 * While a run without stacks is in flight, `Error.stackTraceLimit` is 0 in
 * this thread: every error the world creates (a KernelError for each
 * refused call after unbind, an oops) skips capturing its JS stack, which
 * cost more than a tenth of an explored schedule. Findings lose nothing: the
 * replay of a finding runs with stacks. Counted, so overlapping runs restore
 * the limit only when the last one ends. The price: code sharing this
 * thread with a search sees errors without stacks meanwhile.
 */
function quietStacks(delta: 1 | -1): void {
  if (delta === 1 && quietRuns++ === 0) {
    savedLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
  } else if (delta === -1 && --quietRuns === 0) Error.stackTraceLimit = savedLimit;
}

/** Default step budget of one explored run: far above any scenario, far below a stuck CI job. */
export const DEFAULT_MAX_STEPS = 1_000_000;

/**
 * Runs `scenario` once under `spec`. Context: outside the simulation (makes
 * its own kernel). Returns: the outcome; an uncaught task error or an
 * exhausted step budget is a finding, not an exception.
 * Errors: {@link DivergedError} when `spec.replay` does not fit the run.
 */
export async function runSchedule(scenario: Scenario, spec: ScheduleSpec): Promise<RunOutcome> {
  const opts: KernelOptions = {
    ...scenario.kernel,
    seed: spec.seed,
    strategy: spec.strategy,
    sanitizer: spec.stacks === false ? 'report-nostack' : 'report',
    trace: spec.trace ?? false,
    maxSteps: spec.maxSteps ?? scenario.kernel?.maxSteps ?? DEFAULT_MAX_STEPS,
  };
  if (spec.pctDepth !== undefined) opts.pctDepth = spec.pctDepth;
  if (spec.pctSteps !== undefined) opts.pctSteps = spec.pctSteps;
  if (spec.replay !== undefined) opts.replay = spec.replay;
  if (spec.chooser !== undefined) opts.chooser = spec.chooser;
  const k = new Kernel(opts);
  // Remember where the trace stood at each report, so that the excerpt ends
  // at the bad access rather than at the end of the run. Only a traced run
  // has a trace to mark (untraced, every mark would be 0); and the hook, a
  // closure over the sanitizer stored on the sanitizer, made V8's young
  // collector keep every finished world alive until a full GC (measured:
  // promoted bytes per schedule x4 on a bare kernel; docs/explorer.md,
  // "Scaling"), so the search does without it.
  const marks: number[] = [];
  if (k.tracing) {
    const file = k.sanitizer.report.bind(k.sanitizer);
    k.sanitizer.report = (input) => {
      marks.push(k.traceLog.length);
      return file(input);
    };
  }
  let result: RunResult | null = null;
  let failure: unknown;
  let failed = false;
  let stuck = 0;
  if (spec.stacks === false) quietStacks(+1);
  try {
    await scenario.setup(k);
    result = scenario.runFor !== undefined ? await k.runFor(scenario.runFor) : await k.run();
    // A task still blocked when the scenario ends is a finding, never clean
    // (one already in a deadlock report is not filed again, but still counts).
    reportBlockedTasks(k);
    stuck = k.allTasks.filter((t) => t.state === 'blocked' && !t.idle && t.waitFor?.timed !== true).length;
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('replay diverged')) throw new DivergedError(e.message);
    if (e instanceof DivergedError) throw e;
    failed = true;
    failure = e;
  } finally {
    if (spec.stacks === false) quietStacks(-1);
  }
  const findings = k.reports.map(fromReport);
  const traceMarks = k.tracing ? marks.slice(0, findings.length) : findings.map(() => 0);
  if (failed) {
    findings.push(fromError(k, failure));
    traceMarks.push(k.traceLog.length);
  }
  for (const f of findings) trimStacks(f);
  if (spec.recycle === true) releaseKernelBuffers(k);
  return {
    findings,
    traceMarks,
    decisions: k.decisions.slice(),
    widths: k.decisionWidths.slice(),
    result,
    complete: !failed && result !== null && result.reason !== 'deadlock' && stuck === 0,
    kernel: k,
  };
}

/**
 * Cuts the explorer's own frames (runSchedule and its callers) off a
 * finding's stacks: they say how the run was started, not what the kernel
 * did, and they would make a report depend on who asked for the run.
 */
function trimStacks(f: Finding): void {
  const s = f.stacks;
  for (const key of ['access', 'acquired', 'released'] as const) {
    const v = s[key];
    if (v === undefined) continue;
    const lines = v.split('\n');
    const cut = lines.findIndex((l) => /\brunSchedule\b/.test(l));
    if (cut >= 0) s[key] = lines.slice(0, cut).join('\n');
  }
}

/** What a scripted run saw at one decision. */
export interface PointInfo {
  /** Number of candidates. */
  width: number;
  /** Index of the continuing task among the candidates, or -1 (then no choice is a preemption). */
  cont: number;
  /** The choice the kernel's replay fallback makes: the due atomic event first, else the head of the run queue. */
  fifo: number;
  /** The choice taken. */
  pick: number;
}

/**
 * A chooser that takes `prefix[i]` at decision i and, beyond the prefix,
 * `continue` (the continuing task: no preemption; else the fifo choice) or
 * `fifo` (what the kernel's replay does when its list runs out). Logs every
 * decision into `log`, so preemptions can be counted.
 */
export function scriptedChooser(
  prefix: readonly number[],
  beyond: 'continue' | 'fifo',
  log: PointInfo[],
): (p: ChoicePoint) => number {
  return (p) => {
    const n = p.candidates.length;
    const cont =
      p.continuing === null ? -1 : p.candidates.findIndex((c) => c.kind === 'task' && c.pid === p.continuing);
    const fifo = p.candidates[n - 1]?.kind === 'atomic' ? n - 1 : 0;
    const pick =
      p.index < prefix.length ? (prefix[p.index] as number) : beyond === 'continue' && cont >= 0 ? cont : fifo;
    if (!(Number.isInteger(pick) && pick >= 0 && pick < n)) {
      throw new DivergedError(`replay diverged at decision ${p.index}: choice ${pick} of ${n} candidates`);
    }
    log.push({ width: n, cont, fifo, pick });
    return pick;
  };
}

/** Preemptions in a logged run: decisions that passed over a still-runnable continuing task. */
export function countPreemptions(log: readonly PointInfo[]): number {
  let n = 0;
  for (const p of log) if (p.cont >= 0 && p.pick !== p.cont) n++;
  return n;
}
