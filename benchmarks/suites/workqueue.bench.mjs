// Workqueue hot paths: queue→run throughput with 1, 2 and N workers
// (max_active), and a work reading a register through a fenced handle vs
// Revocable.tryAccess(). Imports the BUILT packages (dist).
// Run alone: node benchmarks/suites/workqueue.bench.mjs [--quick]
import { pathToFileURL } from 'node:url';
import {
  busRegister,
  Device,
  deviceAdd,
  deviceReleaseDriver,
  driverRegister,
  FencedView,
  Kernel,
  Revocable,
} from '@quiesce/core-devres';
import { allocWork, allocWorkqueue, initWork, queueWork, WQ_UNBOUND } from '@quiesce/workqueue';
import { printSuite, runSuite } from '../lib/harness.mjs';

const QUICK = process.argv.includes('--quick');
const BATCH = 256; // works queued per iteration
let sink = 0;

function throughputCase(maxActive) {
  const k = new Kernel({ cpus: 4, trace: false, sanitizer: 'off' });
  const wq = allocWorkqueue(k, `bench${maxActive}`, WQ_UNBOUND, maxActive);
  const works = [];
  for (let i = 0; i < BATCH; i++) {
    works.push(
      initWork(allocWork(k), async function bench_work() {
        sink++;
      }),
    );
  }
  return async () => {
    k.spawn('producer', () => {
      for (const w of works) queueWork(wq, w);
    });
    await k.run();
  };
}

/** Drives a work that does 64 register reads per run, BATCH runs per iteration. */
function accessCase(read) {
  const k = new Kernel({ cpus: 2, trace: false, sanitizer: 'off' });
  const wq = allocWorkqueue(k, 'access', WQ_UNBOUND, 1);
  const w = initWork(allocWork(k), async function reg_work() {
    let s = 0;
    for (let i = 0; i < 64; i++) s += read(i & 7);
    sink += s;
  });
  return async () => {
    k.spawn('producer', async () => {
      for (let i = 0; i < BATCH; i++) {
        queueWork(wq, w);
        await k.yield();
      }
    });
    await k.run();
  };
}

/** A process that has already unbound devices (docs/design.md §4): one fenced handle released. */
async function unbindOnce() {
  const k = new Kernel({ trace: false, sanitizer: 'off' });
  const bus = busRegister(k, 'bench');
  const dev = new Device(k, 'dead', bus);
  await k.exec('bind', async () => {
    await driverRegister(bus, {
      name: 'dead',
      owner: null,
      async probe() {
        const v = new FencedView(k, 'dead BAR0', new DataView(new ArrayBuffer(64)));
        v.readl(0);
        v.release();
      },
    });
    await deviceAdd(dev);
    await deviceReleaseDriver(dev);
  });
}

/**
 * Two groups, each with its own baseline (no row is divided by an unrelated
 * one): queue→run throughput against one worker, and a work's 64 register
 * reads against the raw DataView form of the same work.
 */
export default async function workqueueSuite() {
  await unbindOnce();
  const cpus = 4;
  const opts = { timeMs: QUICK ? 20 : 150, warmupMs: QUICK ? 5 : 50, rounds: QUICK ? 1 : 5 };
  const throughput = await runSuite(
    'workqueue',
    [
      { name: `queue→run ×${BATCH}, 1 worker (max_active 1)`, ops: BATCH, fn: throughputCase(1), baseline: true },
      { name: `queue→run ×${BATCH}, 2 workers (max_active 2)`, ops: BATCH, fn: throughputCase(2) },
      { name: `queue→run ×${BATCH}, N workers (max_active ${cpus * 4})`, ops: BATCH, fn: throughputCase(cpus * 4) },
    ],
    { ...opts, prefix: 'throughput' },
  );
  const kmem = new Kernel({ trace: false, sanitizer: 'off' });
  const raw = new DataView(new ArrayBuffer(64));
  const fenced = new FencedView(kmem, 'bench BAR0', new DataView(new ArrayBuffer(64)));
  const rev = new Revocable(kmem, new DataView(new ArrayBuffer(64)), 'bench BAR0');
  const reads = await runSuite(
    'workqueue',
    [
      { name: 'raw DataView', ops: BATCH, fn: accessCase((i) => raw.getUint32(i * 4, true)), baseline: true },
      { name: 'FencedView', ops: BATCH, fn: accessCase((i) => fenced.readl(i * 4)) },
      {
        name: 'Revocable.tryAccess()',
        ops: BATCH,
        fn: accessCase((i) => {
          const v = rev.tryAccess();
          return v === null ? 0 : v.getUint32(i * 4, true);
        }),
      },
    ],
    { ...opts, prefix: 'work ×64 readl' },
  );
  return {
    title: 'workqueue: queue→run throughput; a work reading 64 registers (ns per work)',
    baseline: 'the first row of each group',
    rows: [...throughput.rows, ...reads.rows],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printSuite(await workqueueSuite());
  if (sink === -1) console.log(sink);
}
