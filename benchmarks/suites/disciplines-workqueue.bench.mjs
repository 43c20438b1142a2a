// Issue 11, hot path 3: a work item that reads an edu BAR register, in the
// six disciplines. Each sample queues WORKS distinct work items (half on each
// of two bound edu devices; each work function reaches BAR0 through its
// device's driver data) on the system workqueue and runs the kernel until
// the kworkers are idle: ns per queue + dispatch + work function, nothing
// subtracted. The fenced row's works are devm-managed (cancel_work_sync in
// the unbind fence). Ratios are to the raw-work row.
import { drmDevEnter, drmDevExit, revocableTryAccess, revocableWithdrawAccess } from '@quiesce/core-devres';
import { allocWork, devmWorkInit, initWork, queueWork, systemWq } from '@quiesce/workqueue';
import { bindBenchDriver, churnedKernel, READ_REGS } from '../lib/edu-world.mjs';
import { main, quick, runSuite, sink } from '../lib/harness.mjs';

const WORKS = 512;
let tick = 0;

/** One work-function factory per discipline (distinct functions: no shared call site between rows). */
const works = {
  raw: (pdev) =>
    async function rawWork() {
      sink.n += pdev.driverData.view.getUint32(READ_REGS[tick++ & 3], true);
    },
  fenced: (pdev) =>
    async function fencedWork() {
      sink.n += pdev.driverData.io.readl(READ_REGS[tick++ & 3]);
    },
  access: (pdev) =>
    async function accessWork() {
      const d = pdev.driverData;
      sink.n += d.devres.access(d.bound).readl(READ_REGS[tick++ & 3]);
    },
  tryAccess: (pdev) =>
    async function tryAccessWork() {
      const bar = pdev.driverData.devres.tryAccess();
      if (bar !== null) sink.n += bar.readl(READ_REGS[tick++ & 3]);
    },
  srcu: (pdev) =>
    async function srcuDeviceWork() {
      const d = pdev.driverData;
      const idx = drmDevEnter(d.ddev);
      if (idx >= 0) {
        sink.n += d.io.readl(READ_REGS[tick++ & 3]);
        drmDevExit(d.ddev, idx);
      }
    },
  crev: (pdev) =>
    async function cRevocableWork() {
      const rev = pdev.driverData.rev;
      const bar = revocableTryAccess(rev);
      if (bar !== null) sink.n += bar.readl(READ_REGS[tick++ & 3]);
      revocableWithdrawAccess(rev);
    },
  guard: (pdev) =>
    async function guardWork() {
      const g = pdev.driverData.devres.tryAccessWithGuard();
      if (g !== null) {
        sink.n += g.value.readl(READ_REGS[tick++ & 3]);
        g.release();
      }
    },
  proxy: (pdev) =>
    async function proxyWork() {
      sink.n += pdev.driverData.proxy.readl(READ_REGS[tick++ & 3]);
    },
};

export async function suite() {
  const { k, pdevs: old } = await churnedKernel();
  const { pdevs } = await bindBenchDriver(k, old, {
    nDevs: 2,
    extra(pdev, priv) {
      priv.works = {};
      for (const [kind, make] of Object.entries(works)) {
        priv.works[kind] = Array.from({ length: WORKS / 2 }, () =>
          kind === 'fenced'
            ? devmWorkInit(pdev, allocWork(k), make(pdev), null)
            : initWork(allocWork(k), make(pdev), null),
        );
      }
    },
  });
  const wq = systemWq(k);
  const set = (kind) => Array.from({ length: WORKS }, (_, i) => pdevs[i & 1].driverData.works[kind][i >> 1]);
  const run = (items) => async () => {
    for (let i = 0; i < WORKS; i++) queueWork(wq, items[i]);
    const r = await k.run();
    if (r.reason !== 'idle') throw new Error(`workqueue run ended ${r.reason}`);
  };
  const row = (name, kind, baseline = false) => ({ name, ops: WORKS, fn: run(set(kind)), baseline });
  const tasks = [
    row('raw work: DataView read (the limit)', 'raw', true),
    row('fenced handle: devm work, IoMem.readl', 'fenced'),
    row('Devres.access(bound).readl', 'access'),
    row('revocable tryAccess() per work', 'tryAccess'),
    row('srcu-device drm_dev_enter/exit per work', 'srcu'),
    row('c-revocable try_access/withdraw per work', 'crev'),
    row('revocable guard per work', 'guard'),
    row('Proxy.revocable readl', 'proxy'),
  ];
  const before = tick;
  const out = await runSuite('Hot path: work item reading an edu register', tasks, {
    rounds: 3,
    timeMs: quick ? 20 : 250,
  });
  if (tick === before) throw new Error('no work ran');
  return out;
}

export default suite;

await main(import.meta.url, suite);
