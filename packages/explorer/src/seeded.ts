/**
 * Seeded exploration (random and PCT): schedule i of an exploration runs with
 * seed `base + i`. A slice of indices is the unit of work shared by the
 * serial loop and by the worker threads, so both compute the same thing.
 */
import type { Hit } from './merge.js';
import { runSchedule, type ScheduleSpec } from './run.js';
import type { Scenario } from './scenario.js';
import { pctChooser } from './strategy/pct-chooser.js';

export type { Hit } from './merge.js';

/** The seeded part of an exploration, identical in every worker. */
export interface SeededSpec {
  strategy: 'random' | 'pct';
  /** Seed of schedule 0. */
  seedBase: number;
  pctDepth: number;
  pctSteps: number;
  maxSteps?: number;
  /** Stop a slice at its first schedule with a finding. */
  stopAtFirst: boolean;
  /** Only findings of these kinds count (default: every kind). */
  kinds?: readonly string[];
  /**
   * The 0.1 search path: call traces captured in every schedule and the
   * kernel's built-in PCT (due events fired at once 3 times in 4). Kept so
   * benchmarks can measure against it.
   */
  legacy?: boolean;
}

/** The findings of `fs` that an exploration looking for `kinds` counts (all of them when `kinds` is undefined). */
export function countedFindings<F extends { kind: string }>(fs: F[], kinds: readonly string[] | undefined): F[] {
  return kinds === undefined ? fs : fs.filter((f) => kinds.includes(f.kind));
}

/** What one slice of schedules produced. */
export interface SliceResult {
  /** Schedules actually run. */
  ran: number;
  /** Schedules that found something, by index. */
  hits: Hit[];
}

/** The schedule spec of index `index` (exported for tests and for replaying a seeded schedule). */
export function seededSchedule(spec: SeededSpec, index: number): ScheduleSpec {
  const seed = spec.seedBase + index;
  const base: ScheduleSpec = {
    strategy: spec.strategy,
    seed,
    // Searching needs the report, not its call traces: the replay of a
    // finding records them (docs/explorer.md, "Speed").
    stacks: spec.legacy === true,
    recycle: spec.legacy !== true,
    ...(spec.maxSteps !== undefined ? { maxSteps: spec.maxSteps } : {}),
  };
  if (spec.strategy === 'random') return base;
  if (spec.legacy === true) return { ...base, pctDepth: spec.pctDepth, pctSteps: spec.pctSteps };
  return {
    ...base,
    strategy: 'fifo',
    chooser: pctChooser({ seed, depth: spec.pctDepth, steps: spec.pctSteps }),
  };
}

/** Runs schedule `index` of a seeded exploration. Context: outside the simulation. Returns: its hit, or null. */
export async function runSeeded(scenario: Scenario, spec: SeededSpec, index: number): Promise<Hit | null> {
  const s = seededSchedule(spec, index);
  const out = await runSchedule(scenario, s);
  const findings = countedFindings(out.findings, spec.kinds);
  if (findings.length === 0) return null;
  return { index, seed: s.seed, findings, decisions: out.decisions };
}

/**
 * Runs schedules [start, end) in order; with `stopAtFirst`, stops after the
 * first hit. Context: outside the simulation.
 */
export async function runSlice(scenario: Scenario, spec: SeededSpec, start: number, end: number): Promise<SliceResult> {
  const hits: Hit[] = [];
  let ran = 0;
  for (let i = start; i < end; i++) {
    ran++;
    const h = await runSeeded(scenario, spec, i);
    if (h !== null) {
      hits.push(h);
      if (spec.stopAtFirst) break;
    }
  }
  return { ran, hits };
}
