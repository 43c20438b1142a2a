/**
 * What explore() (Node, any number of jobs) and exploreSerial() (the browser
 * entry) share once a search has run: one set of option checks, one
 * progress hook, one shape of result. Node-free, so both entries import it.
 */
import type { ExploreOptions, ExploreResult, ExploreStrategy } from './explore.js';
import type { FindingMerger, RawBug } from './merge.js';
import type { SearchOutcome } from './strategy/strategy.js';
import { summaryLine } from './summary.js';

/**
 * Validates the options every strategy and both entries share.
 * Errors: RangeError naming the option.
 */
export function checkCommonOptions(o: Pick<ExploreOptions, 'kinds' | 'schedules'>, strategy: string): void {
  if (strategy !== 'random' && strategy !== 'pct' && strategy !== 'exhaustive') {
    throw new RangeError(`explore: unknown strategy ${String(strategy)}`);
  }
  if (o.kinds !== undefined && o.kinds.length === 0) throw new RangeError('explore: kinds must name at least one kind');
  if (o.schedules !== undefined && !(o.schedules >= 1)) throw new RangeError('explore: schedules must be ≥ 1');
}

/** The schedule budget: the option, else 1000 for random/pct and unbounded for exhaustive. */
export function scheduleBudget(o: Pick<ExploreOptions, 'schedules'>, strategy: ExploreStrategy): number {
  return o.schedules ?? (strategy === 'exhaustive' ? Number.POSITIVE_INFINITY : 1000);
}

/** The search's progress callback: `options.onProgress` fed with counts and elapsed time. */
export function progressHook(
  options: Pick<ExploreOptions, 'onProgress'>,
  budget: number,
  merger: FindingMerger,
  start: number,
  now: () => number,
): (done: number) => void {
  return (done) =>
    options.onProgress?.({
      done,
      total: Number.isFinite(budget) ? budget : null,
      findings: merger.size,
      elapsedMs: now() - start,
    });
}

/** Everything a result is made of, after the search and the shrink. */
export interface ResultParts {
  scenario: string;
  strategy: ExploreStrategy;
  seed: number;
  options: Pick<ExploreOptions, 'kinds' | 'shard'>;
  stopAtFirst: boolean;
  budget: number;
  out: SearchOutcome;
  raw: readonly RawBug[];
  findings: ExploreResult['findings'];
  jobs: number;
  elapsedMs: number;
}

/** Assembles the result and its summary line (why the search stopped, what it shows). */
export function exploreResult(p: ResultParts): ExploreResult {
  const { out, options } = p;
  const result: ExploreResult = {
    scenario: p.scenario,
    strategy: p.strategy,
    seed: p.seed,
    ...out.params,
    ...(options.kinds !== undefined ? { kinds: [...options.kinds] } : {}),
    stopAtFirst: p.stopAtFirst,
    ...(options.shard !== undefined && options.shard.count > 1 ? { shard: { ...options.shard } } : {}),
    ...(p.strategy !== 'exhaustive' ? { budget: p.budget } : {}),
    schedules: out.schedules,
    executed: out.executed,
    exhausted: out.exhausted,
    ...(out.incomplete !== undefined ? { incomplete: out.incomplete } : {}),
    stoppedBy: out.exhausted
      ? 'exhausted'
      : p.stopAtFirst && p.raw.length > 0
        ? 'finding'
        : out.timedOut
          ? 'time'
          : 'schedules',
    summary: '',
    findings: p.findings,
    jobs: p.jobs,
    elapsedMs: p.elapsedMs,
  };
  result.summary = summaryLine(result);
  return result;
}
