/**
 * The explorer: run a scenario under many schedules and return its lifecycle
 * bugs, each with the decisions that reproduce it, a shrunk list and a trace.
 *
 * Strategies (docs/explorer.md):
 * - `random`: schedule i picks uniformly at every decision, seed base + i
 *   (shuttle's random scheduler);
 * - `pct`: PCT with depth d, seed base + i (Burckhardt et al. 2010, shuttle);
 * - `exhaustive`: every schedule with at most k preemptions (CHESS, loom).
 */
import { availableParallelism } from 'node:os';
import { wallMs } from './clock.js';
import { searchTree } from './exhaustive.js';
import { type Finding, type FindingKind, findingKey } from './finding.js';
import { exploreSeededParallel } from './parallel.js';
import { replay } from './replay.js';
import { DEFAULT_MAX_STEPS, runSchedule } from './run.js';
import { isScenario, loadScenario, type Scenario, type ScenarioRef } from './scenario.js';
import { countedFindings, type Hit, runSlice, type SeededSpec } from './seeded.js';
import { shrinkDecisions } from './shrink.js';
import { summaryLine } from './summary.js';
import type { TraceExcerpt } from './trace-excerpt.js';

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
  /** Schedule budget (default 1000 for random/pct; unbounded for exhaustive). */
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
  /** Worker threads for random/pct (default 1; 0 = one per core). Needs a scenario module. */
  jobs?: number;
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

/** A hit merged into the distinct findings, before shrinking. */
interface RawBug {
  finding: Finding;
  index: number;
  seed: number;
  decisions: number[];
  occurrences: number;
  preemptions: number;
}

/**
 * Merges hits (any order) into distinct bugs, lowest schedule index first:
 * the same merge for serial and parallel runs, so both give the same result.
 */
export function mergeHits(hits: readonly Hit[], stopAtFirst: boolean): RawBug[] {
  const sorted = hits.slice().sort((a, b) => a.index - b.index);
  const bugs = new Map<string, RawBug>();
  for (const h of sorted) {
    const fs = stopAtFirst ? h.findings.slice(0, 1) : h.findings;
    const seen = new Set<string>();
    for (const f of fs) {
      const key = findingKey(f);
      if (seen.has(key)) continue;
      seen.add(key);
      const b = bugs.get(key);
      if (b !== undefined) b.occurrences++;
      else
        bugs.set(key, {
          finding: f,
          index: h.index,
          seed: h.seed,
          decisions: h.decisions,
          occurrences: 1,
          preemptions: -1,
        });
    }
    if (stopAtFirst && bugs.size > 0) break;
  }
  return [...bugs.values()];
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
  let sc: Scenario;
  let ref: ScenarioRef | undefined = options.module;
  if (isScenario(scenario)) sc = scenario;
  else {
    ref = { module: scenario.module, ...(scenario.export !== undefined ? { export: scenario.export } : {}) };
    const loaded = await loadScenario(scenario);
    sc = loaded.scenario;
    ref.export = loaded.exportName;
  }
  const strategy = options.strategy ?? 'random';
  if (strategy !== 'random' && strategy !== 'pct' && strategy !== 'exhaustive') {
    throw new RangeError(`explore: unknown strategy ${String(strategy)}`);
  }
  const seed = options.seed ?? 1;
  const stopAtFirst = options.stopAtFirst ?? true;
  const kinds = options.kinds !== undefined ? [...options.kinds] : undefined;
  if (kinds !== undefined && kinds.length === 0) throw new RangeError('explore: kinds must name at least one kind');
  const budget = options.schedules ?? (strategy === 'exhaustive' ? Number.POSITIVE_INFINITY : 1000);
  if (!(budget >= 1)) throw new RangeError('explore: schedules must be ≥ 1');
  const maxSteps = options.maxSteps ?? sc.kernel?.maxSteps ?? DEFAULT_MAX_STEPS;
  const overTime = (): boolean => options.timeMs !== undefined && wallMs() - start >= options.timeMs;
  const progress = (done: number, findings: number): void => {
    options.onProgress?.({
      done,
      total: Number.isFinite(budget) ? budget : null,
      findings,
      elapsedMs: wallMs() - start,
    });
  };
  const cores = availableParallelism();
  const jobs = options.jobs === 0 ? cores : Math.max(1, Math.floor(options.jobs ?? 1));

  let raw: RawBug[];
  let schedules: number;
  let executed: number;
  let exhausted = false;
  let stoppedBy: ExploreResult['stoppedBy'];
  const extra: Partial<ExploreResult> = {};
  if (kinds !== undefined) extra.kinds = kinds;

  if (strategy === 'exhaustive') {
    const bound = options.preemptions ?? 2;
    if (!(Number.isInteger(bound) && bound >= 0)) throw new RangeError('explore: preemptions must be an integer ≥ 0');
    extra.bound = bound;
    const bugs = new Map<string, RawBug>();
    let timedOut = false;
    const r = await searchTree(
      sc,
      {
        bound,
        seed,
        maxSteps,
        stop: (runs, last) => {
          if (runs % 16 === 0) progress(runs, bugs.size);
          if (stopAtFirst && countedFindings(last.findings, kinds).length > 0) return true;
          if (overTime()) timedOut = true;
          return timedOut || runs >= budget;
        },
      },
      (run) => {
        const counted = countedFindings(run.findings, kinds);
        const fs = stopAtFirst ? counted.slice(0, 1) : counted;
        for (const f of fs) {
          const key = findingKey(f);
          const b = bugs.get(key);
          if (b !== undefined) b.occurrences++;
          else
            bugs.set(key, {
              finding: f,
              index: run.index,
              seed,
              decisions: run.decisions,
              occurrences: 1,
              preemptions: run.preemptions,
            });
          if (stopAtFirst) break;
        }
      },
    );
    raw = [...bugs.values()];
    if (stopAtFirst && raw.length > 1) raw = raw.slice(0, 1);
    schedules = r.runs;
    executed = r.runs;
    exhausted = r.exhausted;
    extra.incomplete = r.incomplete;
    stoppedBy = exhausted ? 'exhausted' : stopAtFirst && raw.length > 0 ? 'finding' : timedOut ? 'time' : 'schedules';
    progress(r.runs, raw.length);
  } else {
    const depth = options.depth ?? 3;
    if (!(Number.isInteger(depth) && depth >= 1)) throw new RangeError('explore: depth must be an integer ≥ 1');
    let pctSteps = options.pctSteps ?? 0;
    if (pctSteps <= 0) {
      // PCT's change points are drawn over the decisions of a run; measure
      // how many a run of this scenario takes with one fifo run.
      const cal = await runSchedule(sc, { strategy: 'fifo', seed, maxSteps });
      pctSteps = Math.max(1, cal.decisions.length);
    }
    if (strategy === 'pct') {
      extra.depth = depth;
      extra.pctSteps = pctSteps;
    }
    const spec: SeededSpec = {
      strategy,
      seedBase: seed,
      pctDepth: depth,
      pctSteps,
      maxSteps,
      stopAtFirst,
      ...(kinds !== undefined ? { kinds } : {}),
    };
    if (!Number.isFinite(budget)) throw new RangeError('explore: random/pct need a finite schedule budget');
    let hits: Hit[];
    let timedOut = false;
    if (jobs > 1) {
      if (ref === undefined) {
        throw new RangeError('explore: jobs > 1 needs the scenario as a module reference ({ module, export })');
      }
      const r = await exploreSeededParallel(ref, spec, budget, jobs, {
        overTime,
        onChunk: (done, found) => progress(done, found),
      });
      hits = r.hits;
      executed = r.executed;
      timedOut = r.timedOut;
      // Schedules explored: the contiguous prefix all jobs covered.
      schedules = r.covered;
    } else {
      hits = [];
      executed = 0;
      const chunk = 16;
      for (let i = 0; i < budget; i += chunk) {
        const s = await runSlice(sc, spec, i, Math.min(budget, i + chunk));
        executed += s.ran;
        hits.push(...s.hits);
        progress(executed, mergeHits(hits, stopAtFirst).length);
        if (stopAtFirst && hits.length > 0) break;
        if (overTime()) {
          timedOut = true;
          break;
        }
      }
      schedules = executed;
    }
    raw = mergeHits(hits, stopAtFirst);
    if (stopAtFirst && raw.length > 0) schedules = (raw[0] as RawBug).index + 1;
    stoppedBy = stopAtFirst && raw.length > 0 ? 'finding' : timedOut ? 'time' : 'schedules';
  }

  // Shrink and trace each bug (serially: deterministic, and cheap next to exploring).
  const findings: FoundBug[] = [];
  for (const b of raw) {
    const key = findingKey(b.finding);
    const rseed = b.seed;
    let shrunk = b.decisions;
    let shrunkPre = b.preemptions;
    let origPre = b.preemptions;
    let shrinkRuns = 0;
    if (options.shrink ?? true) {
      const s = await shrinkDecisions(sc, b.decisions, key, {
        seed: rseed,
        maxRuns: options.shrinkRuns ?? 500,
        maxSteps,
      });
      shrunk = s.decisions;
      shrunkPre = s.preemptions;
      origPre = s.originalPreemptions;
      shrinkRuns = s.runs;
    } else if (origPre < 0) {
      const s = await shrinkDecisions(sc, b.decisions, key, { seed: rseed, maxRuns: 1, maxSteps });
      origPre = s.originalPreemptions;
      shrunkPre = origPre;
    }
    const rp = await replay(sc, shrunk, {
      seed: rseed,
      key,
      maxSteps,
      ...(options.traceEvents !== undefined ? { traceEvents: options.traceEvents } : {}),
    });
    const f = rp.findings.find((x) => findingKey(x) === key);
    if (f === undefined || rp.trace === null) {
      throw new Error(`explorer: internal error: the decision list of ${key} does not replay to it`);
    }
    findings.push({
      finding: f,
      text: rp.text,
      schedule: b.index,
      seed: rseed,
      occurrences: b.occurrences,
      decisions: b.decisions,
      preemptions: origPre,
      shrunk,
      shrunkPreemptions: shrunkPre,
      shrinkRuns,
      trace: rp.trace,
    });
  }

  const result: ExploreResult = {
    scenario: sc.name,
    strategy,
    seed,
    ...extra,
    schedules,
    executed,
    exhausted,
    stoppedBy,
    summary: '',
    findings,
    jobs: strategy === 'exhaustive' ? 1 : jobs,
    elapsedMs: wallMs() - start,
  };
  result.summary = summaryLine(result);
  return result;
}
