/**
 * Parallel seeded exploration over worker threads.
 *
 * The main thread hands out chunks of schedule indices in increasing order;
 * each worker loads the scenario module by path and runs its chunk with the
 * same code as the serial loop ({@link runSlice}). With stopAtFirst, once a
 * finding at index i is known no chunk starting after i is handed out, and
 * every chunk starting before i has been (chunks go out in order), so the
 * lowest finding index, and hence the merged result, is the serial one.
 *
 * The worker entry is the built `dist/worker.js`. When this file runs from
 * the TypeScript sources (vitest), the entry is looked up in `../dist/`:
 * build the package first (`npx tsc -b` in packages/explorer).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { findingKey } from './finding.js';
import { moduleUrl, type ScenarioRef } from './scenario.js';
import type { Hit, SeededSpec, SliceResult } from './seeded.js';

/** Data each worker starts with. */
export interface WorkerInit {
  module: string;
  exportName: string | undefined;
  spec: SeededSpec;
}

/** Messages from main to a worker. */
export type ToWorker = { type: 'chunk'; start: number; end: number };

/** Messages from a worker to main. */
export type FromWorker =
  | { type: 'ready' }
  | ({ type: 'done'; start: number; end: number } & SliceResult)
  | { type: 'error'; message: string };

export interface ParallelResult {
  hits: Hit[];
  /** Schedules run by all workers. */
  executed: number;
  /** Schedules [0, covered) were all handed out (and run, unless a finding stopped a chunk early). */
  covered: number;
  timedOut: boolean;
}

/**
 * The worker entry: `worker.js` next to this module when running from
 * `dist/`, else `../dist/worker.js` (running from `src/` under vitest).
 * Errors: Error when neither exists (the package is not built).
 */
export function workerEntry(): URL {
  const here = new URL('./worker.js', import.meta.url);
  if (here.protocol === 'file:' && existsSync(fileURLToPath(here))) return here;
  const built = new URL('../dist/worker.js', import.meta.url);
  if (built.protocol === 'file:' && existsSync(fileURLToPath(built))) return built;
  throw new Error(
    'parallel exploration needs the built worker (packages/explorer/dist/worker.js): run `npx tsc -b` in packages/explorer',
  );
}

/**
 * Runs schedules [0, budget) of a seeded exploration on `jobs` workers.
 * Context: outside the simulation. Returns: every hit (any order; merge with
 * mergeHits) and how much was run.
 * Errors: rejects if a worker fails (scenario module error, oops outside a run).
 */
export function exploreSeededParallel(
  ref: ScenarioRef,
  spec: SeededSpec,
  budget: number,
  jobs: number,
  hooks: { overTime: () => boolean; onChunk: (executed: number, distinct: number) => void },
): Promise<ParallelResult> {
  const entry = workerEntry();
  const init: WorkerInit = { module: moduleUrl(ref.module), exportName: ref.export, spec };
  const chunk = Math.max(1, Math.min(64, Math.ceil(budget / (jobs * 8))));
  const n = Math.min(jobs, Math.ceil(budget / chunk));
  return new Promise<ParallelResult>((resolve, reject) => {
    const hits: Hit[] = [];
    const keys = new Set<string>();
    let next = 0;
    let best = Number.POSITIVE_INFINITY;
    let executed = 0;
    let timedOut = false;
    let busy = 0;
    /** Settled (resolved or rejected): later messages are ignored. */
    let failed = false;
    const workers: Worker[] = [];
    const finish = (): void => {
      for (const w of workers) void w.terminate();
    };
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      finish();
      reject(e);
    };
    const dispatch = (w: Worker): void => {
      if (!timedOut && hooks.overTime()) timedOut = true;
      if (next < budget && next <= best && !timedOut) {
        const start = next;
        next = Math.min(budget, next + chunk);
        busy++;
        w.postMessage({ type: 'chunk', start, end: next } satisfies ToWorker);
      } else if (busy === 0) {
        failed = true;
        finish();
        resolve({ hits, executed, covered: next, timedOut });
      }
    };
    for (let i = 0; i < n; i++) {
      const w = new Worker(entry, { workerData: init });
      workers.push(w);
      w.on('message', (m: FromWorker) => {
        if (failed) return;
        if (m.type === 'error') {
          fail(new Error(`explorer worker: ${m.message}`));
          return;
        }
        if (m.type === 'done') {
          busy--;
          executed += m.ran;
          for (const h of m.hits) {
            hits.push(h);
            const f = h.findings[0];
            if (f !== undefined) keys.add(findingKey(f));
            if (spec.stopAtFirst && h.index < best) best = h.index;
          }
          hooks.onChunk(executed, keys.size);
        }
        dispatch(w);
      });
      w.on('error', (e) => fail(e));
      w.on('exit', (code) => {
        if (code !== 0 && !failed && busy > 0) fail(new Error(`explorer worker exited with code ${code}`));
      });
    }
  });
}
