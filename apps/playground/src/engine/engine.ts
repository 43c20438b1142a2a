/**
 * The engine: runs a request on Web Workers the way `quiesce-explore
 * --jobs N` runs worker threads (packages/explorer/src/parallel.ts), so the
 * first finding is the serial run's whatever N: chunks of schedule indices
 * go out in increasing order, two in flight per worker; once a finding at
 * index i is known no chunk starting after i goes out, and the merge keeps
 * the lowest index. Exhaustive search runs serially in one worker, as in
 * the CLI. The finding is shrunk and traced by a worker, then shown.
 *
 * Workers are created by a factory (index.ts passes real module workers;
 * tests pass fakes) and kept between runs; cancel() terminates them.
 */

import { playgroundCombination } from '@quiesce/edu-buggy/playground';
import {
  checkReplayFile,
  FINDING_KINDS,
  type FindingKind,
  FindingMerger,
  type SeededSpec,
} from '@quiesce/explorer/browser';
import type {
  Catalogue,
  Engine,
  FindingView,
  MatrixView,
  Progress,
  ReportTableView,
  RunRequest,
  RunResult,
} from './api.js';
import { catalogue, matrixView, reportTableView, STRATEGY_CHOICES, TEARDOWNS } from './catalogue.js';
import { chunkSize, driveChunks } from './chunks.js';
import type { FromWorker, JobOptions, ScenarioTarget, ToWorker } from './protocol.js';
import { Slot } from './slot.js';
import { requestId, targetOf } from './targets.js';

/** What the engine needs of a Worker. */
export interface WorkerLike {
  postMessage(m: ToWorker): void;
  onmessage: ((e: { data: FromWorker }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  terminate(): void;
}

export interface EngineOptions {
  createWorker: () => WorkerLike;
  /** Workers when a request does not say (the page: navigator.hardwareConcurrency). */
  defaultWorkers: number;
  /** Monotonic ms (performance.now). */
  now?: () => number;
}

/** Default preemption bound of an exhaustive request (the CLI's). */
export const DEFAULT_BOUND = 2;
/** Largest budget a request may ask for. */
export const MAX_BUDGET = 10_000_000;

/** The checked request, defaults filled. Errors: TypeError naming the field and value. */
export function checkRequest(
  req: RunRequest,
): Required<Omit<RunRequest, 'bound' | 'kinds'>> & { bound: number; kinds?: FindingKind[] } {
  const cat = catalogue();
  const bad = (field: string, v: unknown): never => {
    throw new TypeError(`Engine.run: invalid ${field} ${JSON.stringify(v)}`);
  };
  if (!cat.disciplines.some((d) => d.id === req.discipline)) bad('discipline', req.discipline);
  if (req.bug !== null && !cat.mistakes.some((m) => m.bug === req.bug)) bad('bug', req.bug);
  if (!TEARDOWNS.some((t) => t.id === req.teardown)) bad('teardown', req.teardown);
  if (!STRATEGY_CHOICES.some((s) => s.id === req.strategy)) bad('strategy', req.strategy);
  if (!(Number.isInteger(req.budget) && req.budget >= 1 && req.budget <= MAX_BUDGET)) bad('budget', req.budget);
  const seed = req.seed ?? 1;
  if (!Number.isInteger(seed)) bad('seed', req.seed);
  const bound = req.bound ?? DEFAULT_BOUND;
  if (!(Number.isInteger(bound) && bound >= 0)) bad('bound', req.bound);
  const workers = req.workers ?? 1;
  if (!(Number.isInteger(workers) && workers >= 1)) bad('workers', req.workers);
  const { kinds, ...rest } = req;
  if (
    kinds !== undefined &&
    (kinds.length === 0 || kinds.some((k) => !(FINDING_KINDS as readonly string[]).includes(k)))
  ) {
    bad('kinds', kinds);
  }
  return { ...rest, seed, bound, workers, ...(kinds !== undefined ? { kinds: kinds as FindingKind[] } : {}) };
}

class Cancelled extends Error {
  override name = 'AbortError';
}

export class WorkerEngine implements Engine {
  private pool: Slot[] = [];
  private cancelRun: (() => void) | null = null;
  private readonly now: () => number;
  constructor(private readonly opts: EngineOptions) {
    this.now = opts.now ?? (() => globalThis.performance.now());
  }

  catalogue(): Catalogue {
    return catalogue();
  }
  matrix(): MatrixView {
    return matrixView();
  }
  reportTable(): ReportTableView {
    return reportTableView();
  }

  cancel(): void {
    this.cancelRun?.();
  }

  private slots(n: number): Slot[] {
    this.pool = this.pool.filter((s) => s.dead === null);
    while (this.pool.length < n) this.pool.push(new Slot(this.opts.createWorker()));
    return this.pool.slice(0, n);
  }

  private killAll(e: Error): void {
    for (const s of this.pool) s.kill(e);
    this.pool = [];
  }

  async run(req: RunRequest, onProgress?: (p: Progress) => void): Promise<RunResult> {
    const r = checkRequest({ ...req, workers: req.workers ?? this.opts.defaultWorkers });
    const id = requestId(r);
    const combo = playgroundCombination(r.discipline, r.bug, r.teardown);
    const start = this.now();
    const base = { request: { ...req }, scenario: combo.scenario?.name ?? id };
    if (combo.scenario === null) {
      return {
        ...base,
        verdict: 'not-expressible',
        reason: combo.notExpressible ?? 'not expressible',
        schedules: 0,
        elapsedMs: 0,
        schedulesPerSec: 0,
      };
    }
    this.cancel();
    let cancelled = false;
    let mine: (() => void) | null = null;
    const cancelP = new Promise<never>((_, reject) => {
      mine = () => {
        cancelled = true;
        reject(new Cancelled('cancelled'));
        this.killAll(new Cancelled('cancelled'));
      };
      this.cancelRun = mine;
    });
    cancelP.catch(() => undefined);
    const state = { done: 0, findings: 0 };
    const target: ScenarioTarget = { kind: 'playground', id };
    const options: JobOptions = {
      strategy: r.strategy,
      seed: r.seed,
      budget: r.budget,
      bound: r.bound,
      ...(r.kinds !== undefined ? { kinds: r.kinds } : {}),
    };
    const progress = (): void => {
      const secs = (this.now() - start) / 1000;
      onProgress?.({
        done: state.done,
        total: r.budget,
        schedulesPerSec: secs > 0 ? state.done / secs : 0,
        findings: state.findings,
      });
    };
    try {
      const out = await Promise.race([
        r.strategy === 'exhaustive'
          ? this.serial(target, options, state, progress)
          : this.seeded(target, options, r.workers, state, progress),
        cancelP,
      ]);
      return resultOf(base, out, this.now() - start);
    } catch (e) {
      if (!cancelled) {
        this.killAll(e instanceof Error ? e : new Error(String(e)));
        throw e;
      }
      const elapsedMs = this.now() - start;
      const rate = elapsedMs > 0 ? (state.done / elapsedMs) * 1000 : 0;
      const reason = `cancelled after ${state.done} schedules`;
      return { ...base, verdict: 'incomplete', reason, schedules: state.done, elapsedMs, schedulesPerSec: rate };
    } finally {
      // A run started meanwhile cancelled this one and owns cancel() now.
      if (this.cancelRun === mine) this.cancelRun = null;
    }
  }

  /** Exhaustive: the whole search in one worker. */
  private async serial(
    target: ScenarioTarget,
    options: JobOptions,
    state: { done: number; findings: number },
    progress: () => void,
  ): Promise<Outcome> {
    const [w] = this.slots(1) as [Slot];
    w.send({ type: 'job', target, options, wantSpec: false });
    const ready = await w.next();
    w.send({ type: 'serial' });
    for (;;) {
      const m = await w.next();
      if (m.type === 'progress') {
        state.done = m.done;
        state.findings = m.findings;
        progress();
      } else if (m.type === 'explored') {
        state.done = m.result.executed;
        state.findings = m.result.findings.length;
        progress();
        // No finding and no proof (budget spent, or schedules that did not
        // complete): the summary says what was covered.
        const proved = m.result.exhausted && !m.result.incomplete;
        const incomplete = m.view === undefined && !proved ? m.result.summary : undefined;
        return {
          scenario: m.result.scenario || (ready.type === 'ready' ? ready.scenario : ''),
          schedules: m.result.schedules,
          executed: m.result.executed,
          ...(m.view !== undefined ? { view: m.view } : {}),
          ...(incomplete !== undefined ? { incomplete } : {}),
        };
      }
    }
  }

  /** Random / PCT: seeded chunks over `jobs` workers. */
  private async seeded(
    target: ScenarioTarget,
    options: JobOptions,
    jobs: number,
    state: { done: number; findings: number },
    progress: () => void,
  ): Promise<Outcome> {
    const lo = 0;
    const hi = options.budget;
    const n = Math.max(1, Math.min(jobs, Math.ceil((hi - lo) / chunkSize(hi - lo, jobs))));
    const ws = this.slots(n);
    const first = ws[0] as Slot;
    // One worker measures the spec (PCT's step estimate), the others get it:
    // every worker runs the same schedules as the serial loop would.
    first.send({ type: 'job', target, options, wantSpec: true });
    const ready = await first.next();
    if (ready.type !== 'ready' || ready.spec === undefined) throw new Error('engine worker: no seeded spec');
    const spec: SeededSpec = ready.spec;
    for (const w of ws.slice(1)) w.send({ type: 'job', target, options, wantSpec: false, spec });
    await Promise.all(ws.slice(1).map((w) => w.next()));
    const merger = new FindingMerger(true);
    const covered = await driveChunks(ws, lo, hi, jobs, merger, (ran) => {
      state.done += ran;
      state.findings = merger.size;
      progress();
    });
    const [raw] = merger.bugsInOrder();
    if (raw === undefined) return { scenario: ready.scenario, schedules: covered - lo, executed: state.done };
    first.send({
      type: 'finish',
      raw,
      result: {
        scenario: ready.scenario,
        strategy: options.strategy,
        ...(spec.strategy === 'pct' ? { depth: spec.pctDepth } : {}),
      },
    });
    const fin = await first.next();
    if (fin.type !== 'finished') throw new Error(`engine worker: expected finished, got ${fin.type}`);
    return { scenario: ready.scenario, schedules: raw.index - lo + 1, executed: state.done, view: fin.view };
  }

  async openReplay(file: unknown): Promise<RunResult> {
    const f = checkReplayFile(file, 'replay file');
    const target = targetOf(f.scenario);
    const request: RunRequest = requestOf(target) ?? {
      discipline: '',
      bug: null,
      teardown: 'unbind',
      strategy: 'random',
      budget: 1,
    };
    if (target === null) {
      return {
        request,
        scenario: f.scenario.name,
        verdict: 'not-expressible',
        reason: `the page replays examples/buggy's playground.js and scenarios.js only, not ${f.scenario.module}`,
        schedules: 0,
        elapsedMs: 0,
        schedulesPerSec: 0,
      };
    }
    const start = this.now();
    this.cancel();
    const [w] = this.slots(1) as [Slot];
    try {
      w.send({
        type: 'job',
        target,
        options: { strategy: 'random', seed: f.seed, budget: 1, bound: 0 },
        wantSpec: false,
      });
      await w.next();
      w.send({ type: 'replay', file: f });
      const m = await w.next();
      if (m.type !== 'replayed') throw new Error(`engine worker: expected replayed, got ${m.type}`);
      const elapsedMs = this.now() - start;
      const reason = m.reproduced
        ? undefined
        : m.view !== null
          ? `not reproduced exactly: recorded ${f.report.kind} on ${f.report.resource} at ${f.report.time} ns (${f.report.context})`
          : `not reproduced: the replay is clean (recorded ${f.report.kind} on ${f.report.resource})`;
      return {
        request,
        scenario: m.scenario,
        verdict: m.view !== null ? 'finding' : 'clean',
        ...(reason !== undefined ? { reason } : {}),
        schedules: 1,
        elapsedMs,
        schedulesPerSec: elapsedMs > 0 ? 1000 / elapsedMs : 0,
        ...(m.view !== null ? { finding: m.view } : {}),
      };
    } catch (e) {
      this.killAll(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }
}

/** The result of a run that ended (not cancelled): a finding, clean, or an exhaustive search that proved nothing. */
function resultOf(base: { request: RunRequest; scenario: string }, out: Outcome, elapsedMs: number): RunResult {
  return {
    ...base,
    scenario: out.scenario,
    verdict: out.view !== undefined ? 'finding' : out.incomplete ? 'incomplete' : 'clean',
    ...(out.incomplete && out.view === undefined ? { reason: out.incomplete } : {}),
    schedules: out.schedules,
    elapsedMs,
    schedulesPerSec: elapsedMs > 0 ? (out.executed / elapsedMs) * 1000 : 0,
    ...(out.view !== undefined ? { finding: out.view } : {}),
  };
}

interface Outcome {
  scenario: string;
  schedules: number;
  executed: number;
  view?: FindingView;
  incomplete?: string;
}

/** The request a replay target corresponds to, when it is a playground combination. */
function requestOf(target: ScenarioTarget | null): RunRequest | null {
  if (target?.kind !== 'playground') return null;
  const [discipline = '', b = 'none', teardown = 'unbind'] = target.id.split('/');
  return {
    discipline,
    bug: b === 'none' ? null : Number(b),
    teardown: teardown as RunRequest['teardown'],
    strategy: 'random',
    budget: 1,
  };
}
