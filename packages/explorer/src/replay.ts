/**
 * Replaying a decision list: the same scenario, the same seed and the same
 * decisions give the same run, event for event, so the same report.
 */
import type { RunResult, TraceEvent } from '@quiesce/core-devres';
import { type Finding, findingKey, formatFinding } from './finding.js';
import { runSchedule } from './run.js';
import type { Scenario } from './scenario.js';
import { type TraceExcerpt, traceExcerpt } from './trace/excerpt.js';

export interface ReplayOptions {
  /** Seed the scenario ran with (default 1; only matters to scenarios that draw from the kernel's seed). */
  seed?: number;
  /** Events in the excerpt (default 30). */
  traceEvents?: number;
  /** Which finding the excerpt is for (`kind resource`, see findingKey); default the first. */
  key?: string;
  maxSteps?: number;
}

export interface ReplayResult {
  /** Every finding of the replayed run. */
  findings: Finding[];
  /** The finding the excerpt is about (the one with `key`, else the first), or null if the run was clean. */
  finding: Finding | null;
  /** KASAN-style text of `finding` ('' when clean). */
  text: string;
  /** Trace around `finding` (null when clean). */
  trace: TraceExcerpt | null;
  /** The full decision list of the run (the given list, then the fifo fallback). */
  decisions: number[];
  /** The whole trace of the run. */
  traceLog: TraceEvent[];
  /** Length of the trace when `finding` was filed (its events are `traceLog.slice(0, mark)`). */
  mark: number;
  result: RunResult | null;
}

/**
 * Replays `decisions` on `scenario` with the kernel's own replay (fifo once
 * the list runs out), tracing every event. Context: outside the simulation.
 * Returns: the run's findings, with the report and trace excerpt of the
 * first (or of `opts.key`).
 * Errors: DivergedError when an entry does not fit the candidates at its decision.
 */
export async function replay(
  scenario: Scenario,
  decisions: readonly number[],
  opts: ReplayOptions = {},
): Promise<ReplayResult> {
  const out = await runSchedule(scenario, {
    strategy: 'fifo',
    seed: opts.seed ?? 1,
    replay: decisions,
    trace: true,
    ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
  });
  let i = opts.key === undefined ? 0 : out.findings.findIndex((f) => findingKey(f) === opts.key);
  if (i < 0) i = 0;
  const finding = out.findings[i] ?? null;
  return {
    findings: out.findings,
    finding,
    text: finding === null ? '' : formatFinding(finding),
    trace:
      finding === null
        ? null
        : traceExcerpt(out.kernel.traceLog, out.traceMarks[i] ?? out.kernel.traceLog.length, finding, opts.traceEvents),
    decisions: out.decisions,
    traceLog: out.kernel.traceLog,
    mark: out.traceMarks[i] ?? out.kernel.traceLog.length,
    result: out.result,
  };
}
