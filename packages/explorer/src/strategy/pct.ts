/**
 * PCT search (Burckhardt et al., ASPLOS 2010): schedule i runs PCT of depth d
 * with seed base + i (strategy/pct-chooser.ts). The step count k the change
 * points are drawn over is measured by one fifo run unless given.
 */
import { runSchedule } from '../run.js';
import { baseSpec, seededSearch } from './seeded-search.js';
import type { SearchStrategy } from './strategy.js';

/** PCT search (reads `depth`, `pctSteps`, `jobs`). Errors: RangeError for a depth that is not an integer ≥ 1. */
export const pctStrategy: SearchStrategy = {
  name: 'pct',
  reads: ['depth', 'pctSteps', 'jobs'],
  async search(ctx, opts) {
    const depth = opts.depth ?? 3;
    if (!(Number.isInteger(depth) && depth >= 1)) throw new RangeError('explore: depth must be an integer ≥ 1');
    let pctSteps = opts.pctSteps ?? 0;
    if (pctSteps <= 0) {
      // PCT's change points are drawn over the decisions of a run; measure
      // how many a run of this scenario takes with one fifo run.
      const cal = await runSchedule(ctx.scenario, {
        strategy: 'fifo',
        seed: ctx.seed,
        maxSteps: ctx.maxSteps,
        stacks: false,
        recycle: true,
      });
      pctSteps = Math.max(1, cal.decisions.length);
    }
    const out = await seededSearch(ctx, { ...baseSpec(ctx), strategy: 'pct', pctDepth: depth, pctSteps });
    return { ...out, params: { depth, pctSteps } };
  },
};
