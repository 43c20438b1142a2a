/**
 * @quiesce/explorer: run a lifecycle scenario under many schedules (seeded
 * random, PCT, bounded exhaustive), return its sanitizer reports with the
 * decisions that reproduce them, shrunk, and a trace around the bad access.
 *
 * The Node entry: everything the browser entry (browser.ts) offers, plus
 * what needs Node — explore() with worker threads and shards, scenario
 * modules loaded by path, replay and result files on disk.
 */
export * from './browser.js';
export { wallMs } from './clock.js';
export { type ExploreOptions, explore } from './explore.js';
export { chunkSize, exploreSeededParallel, type ParallelHooks, type ParallelResult } from './parallel.js';
export { closeWorkers, workerEntry } from './pool.js';
export {
  type ReplayFileResult,
  readReplayFile,
  replayFile,
  replayFileFor,
  writeReplayFile,
} from './replay-file.js';
export {
  type MergedResult,
  mergeResults,
  RESULT_FORMAT,
  type ResultFile,
  readResultFile,
  writeResultFile,
} from './result-file.js';
export { isScenario, loadScenario, moduleUrl, ScenarioLoadError } from './scenario.js';
export { NO_SHARD, parseShard, SHARD_DEPTH, type Shard, shardRange, subtreeOwner } from './shard.js';
export { STRATEGIES } from './strategy/index.js';
export type { SearchContext, SearchOutcome, SearchStrategy } from './strategy/strategy.js';
export { quiesceVersion } from './version.js';
