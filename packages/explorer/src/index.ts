/**
 * @quiesce/explorer: run a lifecycle scenario under many schedules (seeded
 * random, PCT, bounded exhaustive), return its sanitizer reports with the
 * decisions that reproduce them, shrunk, and a trace around the bad access.
 */
export { wallMs } from './clock.js';
export {
  type ExploreOptions,
  type ExploreResult,
  type ExploreStrategy,
  explore,
  type FoundBug,
  type Progress,
} from './explore.js';
export {
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  findingKey,
  formatFinding,
  fromError,
  fromReport,
} from './finding.js';
export { FindingMerger, type Hit, mergeHits, type RawBug } from './merge.js';
export { chunkSize, exploreSeededParallel, type ParallelHooks, type ParallelResult } from './parallel.js';
export { closeWorkers, workerEntry } from './pool.js';
export { type ReplayOptions, type ReplayResult, replay } from './replay.js';
export {
  type ReplayFile,
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
export {
  countPreemptions,
  DEFAULT_MAX_STEPS,
  DivergedError,
  type PointInfo,
  type RunOutcome,
  runSchedule,
  type ScheduleSpec,
  scriptedChooser,
} from './run.js';
export {
  isScenario,
  loadScenario,
  moduleUrl,
  type Scenario,
  ScenarioLoadError,
  type ScenarioRef,
} from './scenario.js';
export {
  countedFindings,
  runSeeded,
  runSlice,
  type SeededSpec,
  type SliceResult,
  seededSchedule,
} from './seeded.js';
export { NO_SHARD, parseShard, SHARD_DEPTH, type Shard, shardRange, subtreeOwner } from './shard.js';
export { type ShrinkOptions, type ShrinkResult, shrinkDecisions } from './shrink.js';
export { STRATEGIES } from './strategy/index.js';
export { type PctParams, pctChooser } from './strategy/pct-chooser.js';
export type { SearchContext, SearchOutcome, SearchStrategy } from './strategy/strategy.js';
export { nextPrefix, searchTree, type TreeOptions, type TreeRun } from './strategy/tree.js';
export { summaryLine } from './summary.js';
export { displayTimes, type EventContext, parseContext } from './trace/context.js';
export { dmesgTime, type TraceExcerpt, traceExcerpt } from './trace/excerpt.js';
export { formatFtrace, ftraceTime } from './trace/ftrace.js';
export { type PerfettoTrace, perfettoTrace, type TraceEventJson } from './trace/perfetto.js';
export { quiesceVersion } from './version.js';
