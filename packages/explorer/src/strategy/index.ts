/** The search strategies by name. */
import { exhaustiveStrategy } from './exhaustive.js';
import { pctStrategy } from './pct.js';
import { randomStrategy } from './random.js';
import type { SearchStrategy } from './strategy.js';

/** Every strategy, by its `--strategy` name. */
export const STRATEGIES: Readonly<Record<SearchStrategy['name'], SearchStrategy>> = {
  random: randomStrategy,
  pct: pctStrategy,
  exhaustive: exhaustiveStrategy,
};
