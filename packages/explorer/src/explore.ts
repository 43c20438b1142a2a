/**
 * The explorer: run a scenario under many schedules and return its lifecycle
 * bugs, each with the decisions that reproduce it, a shrunk list and a trace.
 *
 * Strategies (docs/explorer.md; one module each under strategy/):
 * - `random`: schedule i picks uniformly at every decision, seed base + i
 *   (shuttle's random scheduler);
 * - `pct`: PCT with depth d, seed base + i (Burckhardt et al. 2010, shuttle);
 * - `exhaustive`: every schedule with at most k preemptions (CHESS, loom).
 */
import { availableParallelism } from 'node:os';
import { wallMs } from './clock.js';
import { checkCommonOptions, exploreResult, progressHook, scheduleBudget } from './explore-result.js';
import type { Finding, FindingKind } from './finding.js';
import { FindingMerger, type RawBug } from './merge.js';
import { DEFAULT_MAX_STEPS } from './run.js';
import { isScenario, loadScenario, type Scenario, type ScenarioRef } from './scenario.js';
import { NO_SHARD, type Shard } from './shard.js';
import { shrinkAndTrace } from './shrink-bugs.js';
import { STRATEGIES } from './strategy/index.js';
import type { SearchContext } from './strategy/strategy.js';
import type { TraceExcerpt } from './trace/excerpt.js';

export type ExploreStrategy = 'random' | 'pct' | 'exhaustive';

/** Progress of an exploration, for a progress bar. */
export interface Progress {
  /** Schedules run so far. */
  done: number;
  /** The schedule budget (null when unbounded, as in an exhaustive search without one). */
  total: number | null;
  /** Distinct findings so far. */
  findings: number;
  elapsedMs: number;
}

export interface ExploreOptions {
  /** Default `random`. */
  strategy?: ExploreStrategy;
  /** Schedule budget (default 1000 for random/pct; unbounded for exhaustive). Shards split it (random/pct). */
  schedules?: number;
  /** Wall-clock budget in ms (results then depend on machine speed). */
  timeMs?: number;
  /** Seed of schedule 0 (default 1); exhaustive search runs every schedule with this seed. */
  seed?: number;
  /** PCT depth d (default 3). */
  depth?: number;
  /** PCT's estimate of decisions per run (default: measured by one fifo run). */
  pctSteps?: number;
  /** Exhaustive preemption bound k (default 2). */
  preemptions?: number;
  /**
   * Only findings of these kinds count (default: every kind); the others are
   * ignored, as if the schedule were clean. For a variant that a cheaper check
   * also catches (a leak at unbind filed before the use-after-remove), this
   * makes the explorer hunt for the report the bug is known for.
   */
  kinds?: readonly FindingKind[];
  /** Stop at the first finding (default true); false collects every distinct finding. */
  stopAtFirst?: boolean;
  /** Shrink each finding's decision list (default true). */
  shrink?: boolean;
  /** Replays the shrinker may spend per finding (default 500). */
  shrinkRuns?: number;
  /** Events in each trace excerpt (default 30). */
  traceEvents?: number;
  /** Step budget of one run (default the scenario's, else 1,000,000). */
  maxSteps?: number;
  /**
   * Threads exploring random/pct (default 1; 0 = one per core): this thread
   * and `jobs - 1` pooled workers. Needs a scenario module.
   */
  jobs?: number;
  /** Run only this shard of the exploration (shard.ts). */
  shard?: Shard;
  /**
   * The 0.1 search path: call traces captured in every schedule, the
   * kernel's built-in PCT. Only for benchmarks measuring against it.
   */
  legacy?: boolean;
  /** The module the scenario object came from, when `explore` is given an object and `jobs > 1`. */
  module?: ScenarioRef;
  onProgress?: (p: Progress) => void;
}

/** One distinct bug. */
export interface FoundBug {
  /** The report, as the shrunk decision list reproduces it. */
  finding: Finding;
  /** KASAN-style text of `finding`. */
  text: string;
  /** First schedule (index in the exploration) that hit it. */
  schedule: number;
  /** Seed of that schedule. */
  seed: number;
  /** Schedules that hit it (only counted when collecting all). */
  occurrences: number;
  /** The full decision list of the first schedule that hit it. */
  decisions: number[];
  /** Preemptions in that schedule. */
  preemptions: number;
  /** The shrunk decision list (equal to `decisions` when shrinking is off). */
  shrunk: number[];
  /** Preemptions when `shrunk` is replayed. */
  shrunkPreemptions: number;
  /** Replays the shrinker spent. */
  shrinkRuns: number;
  /** Events before the report in the replay of `shrunk`. */
  trace: TraceExcerpt;
}

export interface ExploreResult {
  scenario: string;
  strategy: ExploreStrategy;
  seed: number;
  /** PCT depth (pct only). */
  depth?: number;
  /** PCT's steps estimate (pct only). */
  pctSteps?: number;
  /** Preemption bound (exhaustive only). */
  bound?: number;
  /** The kinds that counted, when the exploration was restricted to some. */
  kinds?: FindingKind[];
  /** False when every distinct finding was collected. */
  stopAtFirst: boolean;
  /** The shard this result covers (absent: the whole exploration). */
  shard?: Shard;
  /** The whole exploration's schedule budget (random/pct; shards split it). */
  budget?: number;
  /**
   * Schedules explored. With stopAtFirst and a finding this is the index of
   * the finding's schedule + 1, whatever the number of jobs (parallel workers
   * may have run a few more, see `executed`).
   */
  schedules: number;
  /** Schedules actually run (≥ `schedules` in parallel). */
  executed: number;
  /** Exhaustive search covered every schedule within the bound. */
  exhausted: boolean;
  /** Exhaustive only: schedules that did not run to completion (a task left blocked, an oops, a hang). */
  incomplete?: number;
  stoppedBy: 'finding' | 'schedules' | 'time' | 'exhausted';
  /** One line: what was explored and what that shows. */
  summary: string;
  /** Distinct findings, in order of first occurrence. */
  findings: FoundBug[];
  jobs: number;
  elapsedMs: number;
}

/** The scenario object and its module reference, from whichever `explore` was given. */
async function resolveScenario(
  scenario: Scenario | ScenarioRef,
  module: ScenarioRef | undefined,
): Promise<{ sc: Scenario; ref: ScenarioRef | undefined }> {
  if (isScenario(scenario)) return { sc: scenario, ref: module };
  const loaded = await loadScenario(scenario);
  return { sc: loaded.scenario, ref: { module: scenario.module, export: loaded.exportName } };
}

/** Validates explore()'s options (the shared ones, then the shard). Errors: RangeError naming the option. */
function checkOptions(o: ExploreOptions, strategy: string): void {
  checkCommonOptions(o, strategy);
  const s = o.shard;
  if (s !== undefined && !(Number.isInteger(s.count) && s.count >= 1 && s.index >= 0 && s.index < s.count)) {
    throw new RangeError(`explore: shard must be { index, count } with 0 ≤ index < count (got ${s.index}/${s.count})`);
  }
}

/**
 * Explores `scenario` (an object, or a module reference to load) under many
 * schedules. Context: outside the simulation (each schedule is a new kernel).
 * Returns: the distinct findings, each shrunk and traced, and a summary
 * line; for a given schedule budget and seed the result is deterministic
 * and the same for any number of jobs (except timings).
 * Errors: RangeError on invalid options; ScenarioLoadError for a bad module.
 */
export async function explore(scenario: Scenario | ScenarioRef, options: ExploreOptions = {}): Promise<ExploreResult> {
  const start = wallMs();
  const { sc, ref } = await resolveScenario(scenario, options.module);
  const strategy = options.strategy ?? 'random';
  checkOptions(options, strategy);
  const stopAtFirst = options.stopAtFirst ?? true;
  const budget = scheduleBudget(options, strategy);
  const merger = new FindingMerger(stopAtFirst);
  const ctx: SearchContext = {
    scenario: sc,
    ref,
    seed: options.seed ?? 1,
    budget,
    maxSteps: options.maxSteps ?? sc.kernel?.maxSteps ?? DEFAULT_MAX_STEPS,
    kinds: options.kinds,
    stopAtFirst,
    jobs: options.jobs === 0 ? availableParallelism() : Math.max(1, Math.floor(options.jobs ?? 1)),
    shard: options.shard ?? NO_SHARD,
    legacy: options.legacy === true,
    merger,
    overTime: () => options.timeMs !== undefined && wallMs() - start >= options.timeMs,
    progress: progressHook(options, budget, merger, start, wallMs),
  };
  const out = await STRATEGIES[strategy].search(ctx, options);
  const raw: RawBug[] = merger.bugsInOrder();
  const findings = await shrinkAndTrace(sc, raw, ctx.maxSteps, options);
  return exploreResult({
    scenario: sc.name,
    strategy,
    seed: ctx.seed,
    options,
    stopAtFirst,
    budget,
    out,
    raw,
    findings,
    jobs: strategy === 'exhaustive' ? 1 : ctx.jobs,
    elapsedMs: wallMs() - start,
  });
}
