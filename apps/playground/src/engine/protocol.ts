/**
 * The messages between the engine (main thread, index.ts) and its Web
 * Workers (worker.ts over worker-core.ts). The seeded part mirrors the
 * explorer's worker-thread protocol (packages/explorer/src/parallel.ts): a
 * job, then chunks of schedule indices, each answered with its hits.
 */
import type { ExploreResult, FindingKind, Hit, RawBug, ReplayFile, SeededSpec } from '@quiesce/explorer/browser';
import type { FindingView } from './api.js';

/** Which scenario a worker loads: a playground combination id, or an export of examples/buggy's scenarios.js. */
export type ScenarioTarget = { kind: 'playground'; id: string } | { kind: 'scenarios'; export: string };

/** Exploration options a worker needs beyond the seeded spec. */
export interface JobOptions {
  strategy: 'random' | 'pct' | 'exhaustive';
  seed: number;
  budget: number;
  /** Exhaustive preemption bound. */
  bound: number;
  /** Only findings of these kinds count (RunRequest.kinds; default every kind). */
  kinds?: FindingKind[];
}

/** Main → worker. */
export type ToWorker =
  /** Load the scenario; answer `ready` (with the seeded spec when `wantSpec`). */
  | { type: 'job'; target: ScenarioTarget; options: JobOptions; wantSpec: boolean; spec?: SeededSpec }
  /** Run seeded schedules [start, end) of the job. */
  | { type: 'chunk'; start: number; end: number }
  /** Run the whole job serially (exhaustive), posting `progress`; answer `explored`. */
  | { type: 'serial' }
  /** Shrink and trace a raw bug of the job; answer `finished`. */
  | { type: 'finish'; raw: RawBug; result: ResultHead }
  /** Replay a replay file's decisions on the job's scenario; answer `replayed`. */
  | { type: 'replay'; file: ReplayFile };

/** What the replay document needs of the exploration. */
export type ResultHead = Pick<ExploreResult, 'scenario' | 'strategy' | 'depth' | 'bound'>;

/** Worker → main. */
export type FromWorker =
  | { type: 'ready'; scenario: string; spec?: SeededSpec }
  | { type: 'done'; start: number; end: number; ran: number; hits: Hit[] }
  | { type: 'progress'; done: number; findings: number }
  | { type: 'explored'; result: ExploreResult; view?: FindingView }
  | { type: 'finished'; view: FindingView }
  | { type: 'replayed'; view: FindingView | null; reproduced: boolean; findings: number; scenario: string }
  | { type: 'error'; message: string };
