/**
 * What one engine Web Worker does, apart from the `self.onmessage` glue
 * (worker.ts): load the job's scenario, run chunks of seeded schedules,
 * run a whole exhaustive search, shrink and trace a finding, replay a
 * replay file. Messages are handled one at a time, in order (the engine
 * keeps two chunks in flight per worker, as the CLI's --jobs does).
 * Separate from worker.ts so Node tests drive it through a fake worker.
 */

import { scenarioById } from '@quiesce/edu-buggy/playground';
import * as named from '@quiesce/edu-buggy/scenarios';
import {
  buildReplayFile,
  exploreSerial,
  type FindingKind,
  type FoundBug,
  findingKey,
  formatFinding,
  type ReplayFile,
  replay,
  reproduces,
  runSlice,
  type Scenario,
  type SeededSpec,
  seededSpecFor,
  shrinkAndTrace,
} from '@quiesce/explorer/browser';
import explorerPkg from '@quiesce/explorer/package.json';
import type { FindingView } from './api.js';
import type { FromWorker, JobOptions, ResultHead, ScenarioTarget, ToWorker } from './protocol.js';
import { targetRef } from './targets.js';
import { findingView } from './view.js';

/** The explorer version replay files name (the CLI writes its package.json version too). */
export const EXPLORER_VERSION: string = (explorerPkg as { version: string }).version;

/**
 * The scenario of `target`: a new object for a combination, the module's
 * own for a named scenario. Context: any. Returns: null when unknown (or
 * not expressible).
 */
export function loadTarget(target: ScenarioTarget): Scenario | null {
  if (target.kind === 'playground') return scenarioById(target.id);
  const s = (named as Record<string, unknown>)[target.export];
  return typeof s === 'object' && s !== null && typeof (s as Scenario).setup === 'function' ? (s as Scenario) : null;
}

interface Job {
  target: ScenarioTarget;
  scenario: Scenario;
  options: JobOptions;
  spec: SeededSpec | undefined;
}

/** The handler of one worker; `post` sends to the main thread. */
export interface WorkerCore {
  onMessage(m: ToWorker): void;
}

/** The job's kind filter as an explore option (absent: every kind). */
const kindsOf = (o: JobOptions): { kinds?: FindingKind[] } => (o.kinds !== undefined ? { kinds: o.kinds } : {});

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The view of `bug` found by `head`'s exploration of `job`: replays the shrunk decisions with the trace on. */
async function viewOf(job: Job, bug: FoundBug, head: ResultHead): Promise<FindingView> {
  const rp = await replay(job.scenario, bug.shrunk, { seed: bug.seed, key: findingKey(bug.finding) });
  const ref = targetRef(job.target);
  const file = buildReplayFile(bug, head, ref.module, ref.export, EXPLORER_VERSION);
  return findingView(bug, rp.traceLog.slice(0, rp.mark), file);
}

/** A replay file's run as a found bug, for the view (the file's own decisions are the shrunk list). */
function replayedBug(file: ReplayFile, r: Awaited<ReturnType<typeof replay>>): FoundBug | null {
  const f = r.finding;
  if (f === null || r.trace === null) return null;
  return {
    finding: f,
    text: formatFinding(f),
    schedule: file.schedule,
    seed: file.seed,
    occurrences: 1,
    decisions: Array.isArray(file.original) ? file.original.slice() : file.decisions.slice(),
    preemptions: -1,
    shrunk: file.decisions.slice(),
    shrunkPreemptions: -1,
    shrinkRuns: 0,
    trace: r.trace,
  };
}

/** Creates the handler. Context: a worker (or a test's fake one). */
export function createWorkerCore(post: (m: FromWorker) => void): WorkerCore {
  let job: Job | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const need = (): Job => {
    if (job === null) throw new Error('engine worker: message before job');
    return job;
  };
  const handle = async (m: ToWorker): Promise<void> => {
    switch (m.type) {
      case 'job': {
        const scenario = loadTarget(m.target);
        if (scenario === null) {
          const what = m.target.kind === 'playground' ? m.target.id : m.target.export;
          throw new Error(`unknown scenario ${what}`);
        }
        const o = m.options;
        const spec =
          m.spec ??
          (m.wantSpec && o.strategy !== 'exhaustive'
            ? await seededSpecFor(scenario, { strategy: o.strategy, seed: o.seed, ...kindsOf(o) })
            : undefined);
        job = { target: m.target, scenario, options: o, spec };
        post({ type: 'ready', scenario: scenario.name, ...(spec !== undefined ? { spec } : {}) });
        return;
      }
      case 'chunk': {
        const j = need();
        if (j.spec === undefined) throw new Error('engine worker: chunk of a job without a seeded spec');
        const r = await runSlice(j.scenario, j.spec, m.start, m.end);
        post({ type: 'done', start: m.start, end: m.end, ran: r.ran, hits: r.hits });
        return;
      }
      case 'serial': {
        const j = need();
        const o = j.options;
        const result = await exploreSerial(j.scenario, {
          strategy: o.strategy,
          seed: o.seed,
          schedules: o.budget,
          preemptions: o.bound,
          ...kindsOf(o),
          onProgress: (p) => post({ type: 'progress', done: p.done, findings: p.findings }),
        });
        const bug = result.findings[0];
        post({ type: 'explored', result, ...(bug !== undefined ? { view: await viewOf(j, bug, result) } : {}) });
        return;
      }
      case 'finish': {
        const j = need();
        const maxSteps = j.spec?.maxSteps ?? j.scenario.kernel?.maxSteps ?? 1_000_000;
        const [bug] = await shrinkAndTrace(j.scenario, [m.raw], maxSteps, {});
        if (bug === undefined) throw new Error('engine worker: shrinking returned no bug');
        post({ type: 'finished', view: await viewOf(j, bug, m.result) });
        return;
      }
      case 'replay': {
        const j = need();
        const r = await replay(j.scenario, m.file.decisions, { seed: m.file.seed, key: findingKey(m.file.report) });
        const bug = replayedBug(m.file, r);
        const view = bug === null ? null : { ...(await viewOf(j, bug, headOf(m.file, j))), replayFile: m.file };
        post({
          type: 'replayed',
          view,
          reproduced: reproduces(m.file, r.findings),
          findings: r.findings.length,
          scenario: j.scenario.name,
        });
        return;
      }
    }
  };
  return {
    onMessage(m) {
      queue = queue.then(() => handle(m)).catch((e: unknown) => post({ type: 'error', message: errText(e) }));
    },
  };
}

/** The result head of a replay file's exploration, from its `strategy` text (`pct depth 3`, `exhaustive bound 2`). */
function headOf(file: ReplayFile, j: Job): ResultHead {
  const pct = /^pct depth (\d+)/.exec(file.strategy);
  if (pct !== null) return { scenario: j.scenario.name, strategy: 'pct', depth: Number(pct[1]) };
  const ex = /^exhaustive bound (\d+)/.exec(file.strategy);
  if (ex !== null) return { scenario: j.scenario.name, strategy: 'exhaustive', bound: Number(ex[1]) };
  return { scenario: j.scenario.name, strategy: 'random' };
}
