/**
 * Worker-thread entry of parallel exploration (see parallel.ts): loads the
 * scenario module, then runs the chunks of schedule indices it is handed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './parallel.js';
import { loadScenario } from './scenario.js';
import { runSlice } from './seeded.js';

const port = parentPort;
if (port === null) throw new Error('@quiesce/explorer worker.js must run in a worker thread');
const init = workerData as WorkerInit;
const send = (m: FromWorker): void => port.postMessage(m);

try {
  const { scenario } = await loadScenario({
    module: init.module,
    ...(init.exportName !== undefined ? { export: init.exportName } : {}),
  });
  port.on('message', (m: ToWorker) => {
    runSlice(scenario, init.spec, m.start, m.end).then(
      (r) => send({ type: 'done', start: m.start, end: m.end, ran: r.ran, hits: r.hits }),
      (e: unknown) => send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
