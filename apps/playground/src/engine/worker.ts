/**
 * The engine's Web Worker entry: glue between `self` and worker-core.ts.
 * Started by index.ts as a module worker (`new Worker(new URL(...), { type: 'module' })`).
 */
import type { ToWorker } from './protocol.js';
import { createWorkerCore } from './worker-core.js';

const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
const core = createWorkerCore((m) => scope.postMessage(m));
scope.onmessage = (e) => core.onMessage(e.data);
