/**
 * Random search: schedule i picks uniformly at every decision with seed
 * base + i (shuttle's random scheduler). A bug that needs one particular
 * choice among w candidates at each of d decisions is hit with probability
 * about w^−d per schedule.
 */
import { baseSpec, seededSearch } from './seeded-search.js';
import type { SearchStrategy } from './strategy.js';

/** Random search (reads `jobs`; `depth`, `preemptions` do not apply). */
export const randomStrategy: SearchStrategy = {
  name: 'random',
  reads: ['jobs'],
  search(ctx) {
    return seededSearch(ctx, { ...baseSpec(ctx), strategy: 'random', pctDepth: 1, pctSteps: 1 });
  },
};
