/**
 * Seeded exploration (random and PCT): schedule i of an exploration runs with
 * seed `base + i`. A slice of indices is the unit of work shared by the
 * serial loop and by the worker threads, so both compute the same thing.
 */
import type { Finding } from './finding.js';
import { runSchedule } from './run.js';
import type { Scenario } from './scenario.js';

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
}

/** The findings of `fs` that an exploration looking for `kinds` counts (all of them when `kinds` is undefined). */
export function countedFindings<F extends { kind: string }>(fs: F[], kinds: readonly string[] | undefined): F[] {
  return kinds === undefined ? fs : fs.filter((f) => kinds.includes(f.kind));
}

/** A schedule that found something. */
export interface Hit {
  /** Schedule index in the exploration (seed = seedBase + index). */
  index: number;
  seed: number;
  /** Every (counted) finding of the run, in filing order. */
  findings: Finding[];
  /** The run's decision list. */
  decisions: number[];
}

/** What one slice of schedules produced. */
export interface SliceResult {
  /** Schedules actually run. */
  ran: number;
  /** Schedules that found something, by index. */
  hits: Hit[];
}

/** Runs schedule `index` of a seeded exploration. */
export async function runSeeded(scenario: Scenario, spec: SeededSpec, index: number): Promise<Hit | null> {
  const seed = spec.seedBase + index;
  const out = await runSchedule(scenario, {
    strategy: spec.strategy,
    seed,
    pctDepth: spec.pctDepth,
    pctSteps: spec.pctSteps,
    ...(spec.maxSteps !== undefined ? { maxSteps: spec.maxSteps } : {}),
  });
  const findings = countedFindings(out.findings, spec.kinds);
  if (findings.length === 0) return null;
  return { index, seed, findings, decisions: out.decisions };
}

/** Runs schedules [start, end) in order; with `stopAtFirst`, stops after the first hit. */
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
