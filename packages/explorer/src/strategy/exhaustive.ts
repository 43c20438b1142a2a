/**
 * Bounded exhaustive search (CHESS, loom): every schedule with at most k
 * preemptions, once each (strategy/tree.ts). Serial; shards split the tree.
 */
import { countedFindings } from '../seeded.js';
import type { SearchStrategy } from './strategy.js';
import { searchTree } from './tree.js';

/** Exhaustive search (reads `preemptions`). Errors: RangeError for a bound that is not an integer ≥ 0. */
export const exhaustiveStrategy: SearchStrategy = {
  name: 'exhaustive',
  reads: ['preemptions'],
  async search(ctx, opts) {
    const bound = opts.preemptions ?? 2;
    if (!(Number.isInteger(bound) && bound >= 0)) throw new RangeError('explore: preemptions must be an integer ≥ 0');
    let timedOut = false;
    const r = await searchTree(
      ctx.scenario,
      {
        bound,
        seed: ctx.seed,
        maxSteps: ctx.maxSteps,
        shard: ctx.shard,
        stop: (runs, last) => {
          if (runs % 64 === 0) ctx.progress(runs);
          if (ctx.stopAtFirst && countedFindings(last.findings, ctx.kinds).length > 0) return true;
          if (ctx.overTime()) timedOut = true;
          return timedOut || runs >= ctx.budget;
        },
      },
      (run) => {
        const findings = countedFindings(run.findings, ctx.kinds);
        if (findings.length === 0) return;
        ctx.merger.add({
          index: run.index,
          seed: ctx.seed,
          findings,
          decisions: run.decisions,
          preemptions: run.preemptions,
        });
      },
    );
    ctx.progress(r.runs);
    return {
      schedules: r.runs,
      executed: r.ran,
      exhausted: r.exhausted,
      timedOut,
      incomplete: r.incomplete,
      params: { bound },
    };
  },
};
