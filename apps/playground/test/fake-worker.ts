// A Web Worker stand-in for Node tests: the real worker core (worker-core.ts)
// in this thread, messages structured-cloned and delivered asynchronously
// (as postMessage does), terminate() drops everything after it.
import type { WorkerLike } from '../src/engine/engine.js';
import type { FromWorker, ToWorker } from '../src/engine/protocol.js';
import { createWorkerCore } from '../src/engine/worker-core.js';

export class FakeWorker implements WorkerLike {
  onmessage: ((e: { data: FromWorker }) => void) | null = null;
  onerror: ((e: { message?: string }) => void) | null = null;
  terminated = false;
  readonly sent: ToWorker[] = [];
  private readonly core = createWorkerCore((m) => {
    const copy = structuredClone(m);
    setImmediate(() => {
      if (!this.terminated) this.onmessage?.({ data: copy });
    });
  });
  postMessage(m: ToWorker): void {
    if (this.terminated) return;
    this.sent.push(m);
    const copy = structuredClone(m);
    setImmediate(() => {
      if (!this.terminated) this.core.onMessage(copy);
    });
  }
  terminate(): void {
    this.terminated = true;
  }
}
