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

export default async function workqueueSuite(Bench) {
  await unbindOnce();
  const bench = new Bench({
    name: 'workqueue',
    time: QUICK ? 50 : 1000,
    warmupTime: QUICK ? 10 : 200,
    iterations: QUICK ? 5 : 20,
  });
  const cpus = 4;
  bench.add(`queue→run ×${BATCH}, 1 worker (max_active 1)`, throughputCase(1));
  bench.add(`queue→run ×${BATCH}, 2 workers (max_active 2)`, throughputCase(2));
  bench.add(`queue→run ×${BATCH}, N workers (max_active ${cpus * 4})`, throughputCase(cpus * 4));

  const kmem = new Kernel({ trace: false, sanitizer: 'off' });
  const raw = new DataView(new ArrayBuffer(64));
  const fenced = new FencedView(kmem, 'bench BAR0', new DataView(new ArrayBuffer(64)));
  const rev = new Revocable(kmem, new DataView(new ArrayBuffer(64)), 'bench BAR0');
  bench.add(
    'work ×64 readl: raw DataView (baseline)',
    accessCase((i) => raw.getUint32(i * 4, true)),
  );
  bench.add(
    'work ×64 readl: FencedView',
    accessCase((i) => fenced.readl(i * 4)),
  );
  bench.add(
    'work ×64 readl: Revocable.tryAccess()',
    accessCase((i) => {
      const v = rev.tryAccess();
      return v === null ? 0 : v.getUint32(i * 4, true);
    }),
  );
  await bench.run();
  return bench;
}

function printTable(bench) {
  const tasks = bench.tasks;
  const rawTask = tasks.find((t) => t.name.includes('baseline'));
  const rawMean = rawTask?.result?.latency?.mean ?? rawTask?.result?.mean;
  const rows = tasks.map((t) => {
    const r = t.result ?? {};
    const lat = r.latency ?? r;
    const meanMs = lat.mean;
    const perOpNs = (meanMs * 1e6) / BATCH;
    const row = {
      task: t.name,
      'ns/op (mean)': perOpNs.toFixed(1),
      'rme %': (lat.rme ?? 0).toFixed(2),
      samples: lat.samplesCount ?? lat.samples?.length ?? 0,
    };
    if (t.name.startsWith('queue')) row['works/s'] = Math.round(1e9 / perOpNs).toLocaleString('en-US');
    else if (rawMean) row['× raw'] = (meanMs / rawMean).toFixed(3);
    return row;
  });
  console.table(rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { Bench } = await import('tinybench');
  const b = await workqueueSuite(Bench);
  printTable(b);
  if (sink === -1) console.log(sink);
}
