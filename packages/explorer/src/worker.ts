/**
 * Worker-thread entry of parallel exploration (see parallel.ts, pool.ts):
 * takes a job (scenario module + spec; modules stay loaded for later jobs),
 * then runs the chunks of schedule indices it is handed.
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './parallel.js';
import { loadScenario, type Scenario } from './scenario.js';
import { runSlice, type SeededSpec } from './seeded.js';

const port = parentPort;
if (port === null) throw new Error('@quiesce/explorer worker.js must run in a worker thread');
const send = (m: FromWorker): void => port.postMessage(m);
const errText = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));

const loaded = new Map<string, Promise<Scenario>>();
let queue: Promise<unknown> = Promise.resolve();
let current: { scenario: Promise<Scenario>; spec: SeededSpec } | null = null;

port.on('message', (m: ToWorker) => {
  if (m.type === 'job') {
    const key = `${m.module}#${m.exportName ?? ''}`;
    let sc = loaded.get(key);
    if (sc === undefined) {
      sc = loadScenario({ module: m.module, ...(m.exportName !== undefined ? { export: m.exportName } : {}) }).then(
        (r) => r.scenario,
      );
      sc.catch(() => loaded.delete(key));
      loaded.set(key, sc);
    }
    current = { scenario: sc, spec: m.spec };
    sc.then(
      () => send({ type: 'ready' }),
      (e: unknown) => send({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return;
  }
  const job = current;
  if (job === null) return send({ type: 'error', message: 'chunk before job' });
  // Chunks queue (main keeps two in flight): one slice at a time, in order.
  queue = queue
    .then(() => job.scenario)
    .then((sc) => runSlice(sc, job.spec, m.start, m.end))
    .then(
      (r) => send({ type: 'done', start: m.start, end: m.end, ran: r.ran, hits: r.hits }),
      (e: unknown) => send({ type: 'error', message: errText(e) }),
    );
});
