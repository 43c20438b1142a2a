/**
 * The interface every search strategy implements (random, PCT, exhaustive:
 * one module each). A strategy decides which schedules to run; the explorer
 * around it validates options, merges findings (merge.ts), shrinks and
 * traces them, and writes the result.
 */
import type { FindingMerger } from '../merge.js';
import type { Scenario, ScenarioRef } from '../scenario.js';
import type { Shard } from '../shard.js';

/** What the explorer hands a strategy. */
export interface SearchContext {
  scenario: Scenario;
  /** The scenario's module, for worker threads (undefined: serial only). */
  ref: ScenarioRef | undefined;
  /** Seed of schedule 0 (seeded strategies), or of every run (exhaustive). */
  seed: number;
  /** Schedule budget of the whole (unsharded) exploration. */
  budget: number;
  maxSteps: number;
  kinds: readonly string[] | undefined;
  stopAtFirst: boolean;
  jobs: number;
  /** This process's part of a sharded exploration ({ index: 0, count: 1 } when unsharded). */
  shard: Shard;
  /** The 0.1 search path (see SeededSpec.legacy). */
  legacy: boolean;
  /** Where hits go. */
  merger: FindingMerger;
  /** True once the wall-clock budget is spent. */
  overTime(): boolean;
  /** Reports schedules run so far (the explorer adds distinct findings and time). */
  progress(done: number): void;
}

/** What a strategy reports back. */
export interface SearchOutcome {
  /** Schedules explored (see ExploreResult.schedules). */
  schedules: number;
  /** Schedules actually run. */
  executed: number;
  /** Exhaustive: every schedule within the bound (of this shard) was run. */
  exhausted: boolean;
  timedOut: boolean;
  /** Exhaustive: schedules that did not run to completion (see ExploreResult.incomplete). */
  incomplete?: number;
  /** Strategy parameters for the result. */
  params: { depth?: number; pctSteps?: number; bound?: number };
}

/** Option names of ExploreOptions that only some strategies read (for warnings). */
export type StrategyOption = 'depth' | 'pctSteps' | 'preemptions' | 'jobs';

/** A search strategy. */
export interface SearchStrategy {
  readonly name: 'random' | 'pct' | 'exhaustive';
  /** The strategy-specific options it reads; the others are ignored (the CLI warns). */
  readonly reads: readonly StrategyOption[];
  /**
   * Runs the search. Context: outside the simulation.
   * Errors: RangeError on an invalid option.
   */
  search(ctx: SearchContext, opts: { depth?: number; pctSteps?: number; preemptions?: number }): Promise<SearchOutcome>;
}
