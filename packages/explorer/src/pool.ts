/**
 * A process-wide pool of explorer worker threads. A worker loads each
 * scenario module once and keeps it; idle workers are unref'd, so a pool
 * never keeps the process alive.
 *
 * The worker entry is the built `dist/worker.js`. When this file runs from
 * the TypeScript sources (vitest), the entry is looked up in `../dist/`:
 * build the package first (`npx tsc -b` in packages/explorer).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './parallel.js';

/** A worker leased from the pool. */
export interface PooledWorker {
  send(m: ToWorker): void;
  /** Routes the worker's messages and failures to this lease (replacing the previous one). */
  listen(onMessage: (m: FromWorker) => void, onError: (e: Error) => void): void;
  /** Marks the worker unusable (it may still be running a chunk nobody waits for): release terminates it. */
  discard(): void;
}

interface Slot extends PooledWorker {
  worker: Worker;
  dead: boolean;
}

const idle: Slot[] = [];

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

function spawnSlot(): Slot {
  const worker = new Worker(workerEntry());
  let onMessage: (m: FromWorker) => void = () => undefined;
  let onError: (e: Error) => void = () => undefined;
  const slot: Slot = {
    worker,
    dead: false,
    send: (m) => worker.postMessage(m),
    listen(m, e) {
      onMessage = m;
      onError = e;
    },
    discard() {
      slot.dead = true;
    },
  };
  worker.on('message', (m: FromWorker) => onMessage(m));
  worker.on('error', (e) => {
    slot.dead = true;
    onError(e);
  });
  worker.on('exit', (code) => {
    slot.dead = true;
    if (code !== 0) onError(new Error(`explorer worker exited with code ${code}`));
  });
  return slot;
}

/** Leases `n` workers (idle ones first). Context: outside the simulation. */
export async function acquireWorkers(n: number): Promise<PooledWorker[]> {
  const out: Slot[] = [];
  while (out.length < n) {
    const s = idle.pop();
    if (s === undefined) out.push(spawnSlot());
    else if (!s.dead) out.push(s);
  }
  for (const s of out) s.worker.ref();
  return out;
}

/** Returns leased workers to the pool (a worker that failed is dropped and terminated). */
export function releaseWorkers(ws: readonly PooledWorker[]): void {
  for (const w of ws as readonly Slot[]) {
    w.listen(
      () => undefined,
      () => undefined,
    );
    if (w.dead) {
      void w.worker.terminate();
      continue;
    }
    w.worker.unref();
    idle.push(w);
  }
}

/** Terminates the idle workers (tests, or a host that wants its threads back). Context: outside the simulation. */
export async function closeWorkers(): Promise<void> {
  const all = idle.splice(0);
  await Promise.all(all.map((s) => s.worker.terminate()));
}
