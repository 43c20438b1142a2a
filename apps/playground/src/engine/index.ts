/**
 * The playground's engine: `createEngine()` for the page (Web Workers, one
 * per `navigator.hardwareConcurrency`). See engine.ts for how a run is
 * split, api.ts for the contract the UI uses.
 */
import type { Engine } from './api.js';
import { WorkerEngine, type WorkerLike } from './engine.js';

export type * from './api.js';

/** The engine of the page. Context: a browser main thread (needs Worker). */
export function createEngine(): Engine {
  return new WorkerEngine({
    createWorker: () =>
      new Worker(new URL('./worker.ts', import.meta.url), {
        type: 'module',
        name: 'quiesce-engine',
      }) as unknown as WorkerLike,
    defaultWorkers: Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1),
  });
}
