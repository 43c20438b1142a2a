/**
 * The search loop random and PCT share: schedule i runs with seed base + i,
 * over this shard's range of indices, serially or on worker threads. Hits go
 * straight into the explorer's merger (merge.ts), once each.
 */
import { exploreSeededParallel } from '../parallel.js';
import { runSlice, type SeededSpec } from '../seeded.js';
import { shardRange } from '../shard.js';
import type { SearchContext, SearchOutcome } from './strategy.js';

/** Schedules per serial slice between time-budget checks and progress reports. */
const SERIAL_SLICE = 64;

/**
 * Runs this shard's schedules of `spec`. Context: outside the simulation.
 * Returns: how many were explored and run. With stopAtFirst `schedules`
 * ends at the first finding (index − shard start + 1), whatever the jobs.
 * Errors: RangeError when jobs > 1 without a scenario module.
 */
export async function seededSearch(ctx: SearchContext, spec: SeededSpec): Promise<SearchOutcome> {
  if (!Number.isFinite(ctx.budget)) throw new RangeError('explore: random/pct need a finite schedule budget');
  const [lo, hi] = shardRange(ctx.budget, ctx.shard);
  let executed = 0;
  let covered = lo;
  let timedOut = false;
  if (ctx.jobs > 1 && hi - lo > 1) {
    if (ctx.ref === undefined) {
      throw new RangeError('explore: jobs > 1 needs the scenario as a module reference ({ module, export })');
    }
    const r = await exploreSeededParallel(
      ctx.ref,
      spec,
      lo,
      hi,
      ctx.jobs,
      {
        overTime: ctx.overTime,
        onHit: (h) => ctx.merger.add(h),
        onChunk: (done) => ctx.progress(done),
      },
      ctx.scenario,
    );
    executed = r.executed;
    covered = r.covered;
    timedOut = r.timedOut;
  } else {
    for (let i = lo; i < hi; i += SERIAL_SLICE) {
      const s = await runSlice(ctx.scenario, spec, i, Math.min(hi, i + SERIAL_SLICE));
      executed += s.ran;
      covered = i + s.ran;
      for (const h of s.hits) ctx.merger.add(h);
      ctx.progress(executed);
      if (spec.stopAtFirst && s.hits.length > 0) break;
      if (ctx.overTime()) {
        timedOut = true;
        break;
      }
    }
  }
  let schedules = covered - lo;
  if (ctx.stopAtFirst && ctx.merger.size > 0) schedules = ctx.merger.first - lo + 1;
  return { schedules, executed, exhausted: false, timedOut, params: {} };
}

/** The spec fields every seeded strategy shares. */
export function baseSpec(ctx: SearchContext): Omit<SeededSpec, 'strategy' | 'pctDepth' | 'pctSteps'> {
  return {
    seedBase: ctx.seed,
    maxSteps: ctx.maxSteps,
    stopAtFirst: ctx.stopAtFirst,
    ...(ctx.kinds !== undefined ? { kinds: ctx.kinds } : {}),
    ...(ctx.legacy ? { legacy: true } : {}),
  };
}
