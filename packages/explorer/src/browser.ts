/**
 * The browser entry of @quiesce/explorer (`@quiesce/explorer/browser`): what
 * a page or a Web Worker can use, with no `node:` module reachable from it
 * (tests/integration/explorer-browser-bundle.test.ts bundles it for the
 * browser to prove it). Serial seeded exploration and its slices, single
 * schedules, replay, shrinking, finding formatting, the Perfetto and ftrace
 * exporters, and replay documents built and parsed without a file system.
 * Worker threads, scenario modules by path and replay files on disk stay in
 * the Node entry (index.ts).
 */
export type { ExploreResult, ExploreStrategy, FoundBug, Progress } from './explore.js';
export { exploreSerial, type SerialExploreOptions, seededSpecFor } from './explore-serial.js';
export {
  FINDING_KIND_CLASS,
  FINDING_KIND_CLASSES,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type FindingKindClass,
  findingKey,
  findingKindsOfClass,
  formatFinding,
  fromError,
  fromReport,
} from './finding.js';
export { FindingMerger, type Hit, mergeHits, type RawBug } from './merge.js';
export { type ReplayOptions, type ReplayResult, replay } from './replay.js';
export {
  buildReplayFile,
  checkReplayFile,
  contextText,
  parseReplayFile,
  REPLAY_FORMAT,
  type ReplayFile,
  reproduces,
} from './replay-doc.js';
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
export type { Scenario, ScenarioRef } from './scenario.js';
export {
  countedFindings,
  runSeeded,
  runSlice,
  type SeededSpec,
  type SliceResult,
  seededSchedule,
} from './seeded.js';
export { type ShrinkOptions, type ShrinkResult, shrinkDecisions } from './shrink.js';
export { shrinkAndTrace } from './shrink-bugs.js';
export { type PctParams, pctChooser } from './strategy/pct-chooser.js';
export { nextPrefix, searchTree, type TreeOptions, type TreeRun } from './strategy/tree.js';
export { summaryLine } from './summary.js';
export { displayTimes, type EventContext, parseContext } from './trace/context.js';
export { dmesgTime, type TraceExcerpt, traceExcerpt } from './trace/excerpt.js';
export { formatFtrace, ftraceTime } from './trace/ftrace.js';
export { type PerfettoTrace, perfettoTrace, type TraceEventJson } from './trace/perfetto.js';
