/**
 * The engine contract between the playground's engine (src/engine/, runs the
 * explorer in Web Workers) and its UI (src/ui/). The UI only ever talks to an
 * {@link Engine}; tests of the UI use a fake one. Fields may be added; none is
 * removed or renamed without telling the UI side. See docs/playground.md.
 */

/** The explorer's search strategies (docs/explorer.md). */
export type StrategyId = 'random' | 'pct' | 'exhaustive';
/** The teardowns the page offers: a subset of the edu scenario's `Teardown`. */
export type TeardownId = 'unbind' | 'rmmod' | 'surprise';

export interface DisciplineChoice {
  id: string;
  title: string;
  summary: string;
}
export interface MistakeChoice {
  bug: number;
  id: string;
  title: string;
  mistake: string;
}
export interface Catalogue {
  disciplines: DisciplineChoice[];
  /** The catalogue's 10 bugs (docs/bug-catalogue.md). */
  mistakes: MistakeChoice[];
  teardowns: { id: TeardownId; title: string }[];
  strategies: { id: StrategyId; title: string }[];
}

export interface RunRequest {
  /** A DISCIPLINES id. */
  discipline: string;
  /** A catalogue bug, null = the correct driver. */
  bug: number | null;
  teardown: TeardownId;
  strategy: StrategyId;
  /** Schedules to run (for exhaustive: the bound on schedules). */
  budget: number;
  /** First seed; default 1. */
  seed?: number;
  /** Web Workers to use; default navigator.hardwareConcurrency (exhaustive runs in one). */
  workers?: number;
  /** Exhaustive only: the preemption bound (default 2, as the CLI); `budget` caps its schedules. */
  bound?: number;
  /**
   * Only findings of these kinds count, as the CLI's `--kind` (default: every
   * kind). The first finding of a schedule is often a `leak-at-unbind` at the
   * unbind that precedes the bad access; `['use-after-remove']` skips to it.
   */
  kinds?: string[];
}

export interface Progress {
  done: number;
  total: number;
  schedulesPerSec: number;
  findings: number;
}

/** One slice in the timeline. */
export interface TraceSpan {
  /** 'CPU 0', 'CPU 1', 'task edu-user/12', … */
  lane: string;
  kind: 'callback' | 'work' | 'wait' | 'grace-period' | 'irq' | 'task';
  name: string;
  startNs: number;
  endNs: number;
}
/** A lifecycle instant. */
export interface TraceMark {
  lane: string;
  kind: 'lifecycle' | 'report';
  name: string;
  atNs: number;
  /** True for the report's bad access. */
  badAccess: boolean;
}
export interface Timeline {
  lanes: string[];
  spans: TraceSpan[];
  marks: TraceMark[];
  endNs: number;
}

/** One ftrace-style line, for step-through. */
export interface ReplayStep {
  index: number;
  atNs: number;
  cpu: number;
  task: string;
  text: string;
}

export interface FindingView {
  /** 'use-after-remove', 'execute-after-free', … */
  kind: string;
  title: string;
  /** Kernel-style report, as the CLI prints it. */
  reportText: string;
  schedule: number;
  seed: number;
  /** Shrunk decision list. */
  decisions: number[];
  originalDecisions: number[];
  timeline: Timeline;
  /** Text alternative of the timeline (ftrace listing). */
  ftrace: string;
  /** For step-through. */
  steps: ReplayStep[];
  /** A quiesce-replay/1 JSON object that `quiesce-explore --replay` replays. */
  replayFile: unknown;
}

export interface RunResult {
  /**
   * The request run; for openReplay, the combination the file names (budget
   * 1), or, for a scenario that is no combination (scenarios.js#bug04), one
   * with `discipline: ''`.
   */
  request: RunRequest;
  /** Scenario name. */
  scenario: string;
  verdict: 'clean' | 'finding' | 'not-expressible' | 'incomplete';
  /** For not-expressible / incomplete. */
  reason?: string;
  schedules: number;
  elapsedMs: number;
  schedulesPerSec: number;
  finding?: FindingView;
}

/** benchmarks/results/bug-matrix.json, shaped for the page. */
export interface MatrixView {
  disciplines: string[];
  rows: {
    bug: number;
    title: string;
    /**
     * `run`: what a click runs — the cell in its catalogue world's teardown,
     * counting only the kind the matrix's evidence names (when it names one),
     * so the page shows the finding the verdict rests on.
     */
    cells: { discipline: string; verdict: string; detail: string; run?: RunRequest }[];
  }[];
}
/** The report's first-screen table (benchmarks/results/report.json). */
export interface ReportTableView {
  columns: string[];
  rows: { label: string; cells: string[]; run?: RunRequest }[];
}

export interface Engine {
  catalogue(): Catalogue;
  matrix(): MatrixView;
  reportTable(): ReportTableView;
  /** Runs the request across Web Workers; a cancel() resolves it with verdict 'incomplete'. */
  run(req: RunRequest, onProgress?: (p: Progress) => void): Promise<RunResult>;
  /** Cancels the run in flight (its promise resolves with verdict 'incomplete'). */
  cancel(): void;
  /** Replays a quiesce-replay/1 file, from the CLI or from the page. */
  openReplay(file: unknown): Promise<RunResult>;
}
