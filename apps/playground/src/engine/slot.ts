/**
 * One engine worker with a promise-based inbox: `next()` for request/answer
 * exchanges, or a `listener` that takes every message (the chunk loop,
 * chunks.ts). `kill()` terminates the worker and fails whatever waits on it.
 */
import type { WorkerLike } from './engine.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** One worker with a promise-based inbox. */
export class Slot {
  private waiters: ((m: FromWorker) => void)[] = [];
  listener: ((m: FromWorker) => void) | null = null;
  dead: Error | null = null;
  constructor(readonly w: WorkerLike) {
    w.onmessage = (e) => this.deliver(e.data);
    w.onerror = (e) => this.deliver({ type: 'error', message: e.message ?? 'worker failed to load' });
  }
  private deliver(m: FromWorker): void {
    if (this.listener !== null) {
      this.listener(m);
      return;
    }
    this.waiters.shift()?.(m);
  }
  send(m: ToWorker): void {
    this.w.postMessage(m);
  }
  /** The next message (rejects on an error message). */
  next(): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.waiters.push((m) => (m.type === 'error' ? reject(new Error(`engine worker: ${m.message}`)) : resolve(m)));
    });
  }
  kill(e: Error): void {
    this.dead = e;
    this.w.terminate();
    for (const f of this.waiters.splice(0)) f({ type: 'error', message: e.message });
    this.listener?.({ type: 'error', message: e.message });
  }
}
