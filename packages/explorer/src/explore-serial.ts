/**
 * Serial exploration with no Node built-in: the path the browser entry
 * (browser.ts) offers. Same schedules, same merge, same shrink and trace as
 * {@link explore} with one job, so the same seed gives the same first
 * finding as `quiesce-explore` run serially; what it leaves out is what
 * needs Node (worker threads, `availableParallelism`, scenario modules by
 * path). It also runs one slice of a seeded exploration, the unit a page
 * hands each Web Worker (apps/playground/src/engine/).
 */
import type { ExploreOptions, ExploreResult } from './explore.js';
import { checkCommonOptions, exploreResult, progressHook, scheduleBudget } from './explore-result.js';
import { FindingMerger, type RawBug } from './merge.js';
import { DEFAULT_MAX_STEPS, runSchedule } from './run.js';
import type { Scenario } from './scenario.js';
import { runSlice, type SeededSpec } from './seeded.js';
import { NO_SHARD } from './shard.js';
import { shrinkAndTrace } from './shrink-bugs.js';
import { exhaustiveStrategy } from './strategy/exhaustive.js';
import type { SearchContext, SearchOutcome } from './strategy/strategy.js';

/** Options of a serial exploration: explore()'s, less those that need Node or threads. */
export type SerialExploreOptions = Omit<ExploreOptions, 'jobs' | 'shard' | 'module' | 'legacy'> & {
  /** Polled between slices of schedules: true stops the search as a spent time budget does (a page's cancel). */
  stop?: () => boolean;
};

/**
 * Milliseconds from a monotonic origin: `performance.now()`, which browsers,
 * workers and Node all have. Outside the simulation: it times the search
 * (the `timeMs` budget, `elapsedMs`), never a schedule, which sees only
 * virtual time (as clock.ts's wallMs for the Node entry).
 */
const nowMs = (): number => globalThis.performance.now();

/** Schedules per slice between stop checks and progress reports (as the serial loop of seeded-search.ts). */
const SLICE = 64;

/**
 * The seeded spec of a random or PCT exploration of `scenario`, with PCT's
 * step estimate measured as explore() measures it (one fifo run) unless
 * given. Context: outside the simulation. Returns: the spec every slice of
 * the exploration runs with.
 * Errors: RangeError for a PCT depth that is not an integer ≥ 1.
 */
export async function seededSpecFor(
  scenario: Scenario,
  o: Pick<ExploreOptions, 'strategy' | 'seed' | 'depth' | 'pctSteps' | 'maxSteps' | 'kinds' | 'stopAtFirst'>,
): Promise<SeededSpec> {
  const strategy = o.strategy === 'pct' ? 'pct' : 'random';
  const seed = o.seed ?? 1;
  const maxSteps = o.maxSteps ?? scenario.kernel?.maxSteps ?? DEFAULT_MAX_STEPS;
  const base = {
    seedBase: seed,
    maxSteps,
    stopAtFirst: o.stopAtFirst ?? true,
    ...(o.kinds !== undefined ? { kinds: o.kinds } : {}),
  };
  if (strategy === 'random') return { ...base, strategy, pctDepth: 1, pctSteps: 1 };
  const depth = o.depth ?? 3;
  if (!(Number.isInteger(depth) && depth >= 1)) throw new RangeError('explore: depth must be an integer ≥ 1');
  let pctSteps = o.pctSteps ?? 0;
  if (pctSteps <= 0) {
    const cal = await runSchedule(scenario, { strategy: 'fifo', seed, maxSteps, stacks: false, recycle: true });
    pctSteps = Math.max(1, cal.decisions.length);
  }
  return { ...base, strategy, pctDepth: depth, pctSteps };
}

/** What a search reported back (the part of SearchOutcome the result needs). */
type Outcome = SearchOutcome;

/** The hooks and settings both searches share. */
interface Run {
  scenario: Scenario;
  seed: number;
  budget: number;
  maxSteps: number;
  stopAtFirst: boolean;
  merger: FindingMerger;
  overTime: () => boolean;
  progress: (done: number) => void;
}

/** Random / PCT: slices of 64 schedules in index order, as seeded-search.ts's serial loop. */
async function seededSerial(run: Run, options: SerialExploreOptions): Promise<Outcome> {
  if (!Number.isFinite(run.budget)) throw new RangeError('explore: random/pct need a finite schedule budget');
  const { scenario, budget, merger, stopAtFirst } = run;
  const spec = await seededSpecFor(scenario, { ...options, seed: run.seed, maxSteps: run.maxSteps, stopAtFirst });
  let executed = 0;
  let timedOut = false;
  for (let i = 0; i < budget; i += SLICE) {
    const s = await runSlice(scenario, spec, i, Math.min(budget, i + SLICE));
    executed += s.ran;
    for (const h of s.hits) merger.add(h);
    run.progress(executed);
    if (stopAtFirst && s.hits.length > 0) break;
    if (run.overTime()) {
      timedOut = true;
      break;
    }
  }
  return {
    schedules: stopAtFirst && merger.size > 0 ? merger.first + 1 : executed,
    executed,
    exhausted: false,
    timedOut,
    params: spec.strategy === 'pct' ? { depth: spec.pctDepth, pctSteps: spec.pctSteps } : {},
  };
}

/** Exhaustive: the strategy itself (it has no Node dependency), unsharded. */
function exhaustiveSerial(run: Run, options: SerialExploreOptions): Promise<Outcome> {
  const ctx: SearchContext = {
    scenario: run.scenario,
    ref: undefined,
    seed: run.seed,
    budget: run.budget,
    maxSteps: run.maxSteps,
    kinds: options.kinds,
    stopAtFirst: run.stopAtFirst,
    jobs: 1,
    shard: NO_SHARD,
    legacy: false,
    merger: run.merger,
    overTime: run.overTime,
    progress: run.progress,
  };
  return exhaustiveStrategy.search(ctx, options);
}

/**
 * Explores `scenario` serially, as {@link explore} does with `jobs: 1`.
 * Context: outside the simulation; never blocks on anything but the runs
 * themselves (each slice of 64 schedules ends in an await).
 * Returns: the result explore() would return (jobs 1; `stoppedBy: 'time'`
 * also when `stop` said so).
 * Errors: RangeError on invalid options, as explore().
 */
export async function exploreSerial(scenario: Scenario, options: SerialExploreOptions = {}): Promise<ExploreResult> {
  const start = nowMs();
  const strategy = options.strategy ?? 'random';
  checkCommonOptions(options, strategy);
  const stopAtFirst = options.stopAtFirst ?? true;
  const budget = scheduleBudget(options, strategy);
  const merger = new FindingMerger(stopAtFirst);
  const run: Run = {
    scenario,
    seed: options.seed ?? 1,
    budget,
    maxSteps: options.maxSteps ?? scenario.kernel?.maxSteps ?? DEFAULT_MAX_STEPS,
    stopAtFirst,
    merger,
    overTime: () => options.stop?.() === true || (options.timeMs !== undefined && nowMs() - start >= options.timeMs),
    progress: progressHook(options, budget, merger, start, nowMs),
  };
  const out =
    strategy === 'exhaustive'
      ? await exhaustiveSerial(run, options)
      : await seededSerial(run, { ...options, strategy });
  const raw: RawBug[] = merger.bugsInOrder();
  const findings = await shrinkAndTrace(scenario, raw, run.maxSteps, options);
  return exploreResult({
    scenario: scenario.name,
    strategy,
    seed: run.seed,
    options,
    stopAtFirst,
    budget,
    out,
    raw,
    findings,
    jobs: 1,
    elapsedMs: nowMs() - start,
  });
}
