// Issue 11, hot path 1a: MMIO readl on a real edu BAR0 (pci-emu EduDevice,
// mapped with pcimIomapRegion) in the six disciplines, each reaching the
// handle through the driver data of one of two bound devices (rotating), in a
// process that has already loaded, bound, used and unloaded the real edu
// driver in both disciplines. The registers read (id, liveness, factorial,
// status) are plain memory reads in the edu model.

import { drmDevEnter, drmDevExit, revocableTryAccess, revocableWithdrawAccess } from '@quiesce/core-devres';
import { bindBenchDriver, churnedKernel, regOffsets } from '../lib/edu-world.mjs';
import { main, runSuite, sink } from '../lib/harness.mjs';

const OPS = 4096;
const GUARD_BATCH = 64;
const offsets = regOffsets(OPS);

export async function suite() {
  const { k, pdevs: old } = await churnedKernel();
  const { pdevs } = await bindBenchDriver(k, old, { nDevs: 2 });
  let turn = 0;
  const next = () => pdevs[turn++ & 1];
  const tasks = [
    {
      name: 'raw DataView getUint32 (the limit)',
      baseline: true,
      ops: OPS,
      fn: () => {
        const pdev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += pdev.driverData.view.getUint32(offsets[i], true);
        sink.n += s;
      },
    },
    {
      name: 'fenced handle IoMem.readl',
      ops: OPS,
      fn: () => {
        const pdev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += pdev.driverData.io.readl(offsets[i]);
        sink.n += s;
      },
    },
    {
      name: 'Devres.access(bound).readl',
      ops: OPS,
      fn: () => {
        const pdev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) {
          const d = pdev.driverData;
          s += d.devres.access(d.bound).readl(offsets[i]);
        }
        sink.n += s;
      },
    },
    {
      name: 'revocable tryAccess() per readl',
      ops: OPS,
      fn: () => {
        const pdev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) {
          const bar = pdev.driverData.devres.tryAccess();
          if (bar !== null) s += bar.readl(offsets[i]);
        }
        sink.n += s;
      },
    },
    {
      name: 'srcu-device drm_dev_enter/exit per readl',
      ops: OPS,
      fn: () => {
        const pdev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) {
          const d = pdev.driverData;
          const idx = drmDevEnter(d.ddev);
          if (idx < 0) continue;
          s += d.io.readl(offsets[i]);
          drmDevExit(d.ddev, idx);
        }
        sink.n += s;
      },
    },
    {
      name: 'c-revocable try_access/withdraw per readl',
      ops: OPS,
      fn: () => {
        const pdev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) {
          const rev = pdev.driverData.rev;
          const bar = revocableTryAccess(rev);
          if (bar !== null) s += bar.readl(offsets[i]);
          revocableWithdrawAccess(rev);
        }
        sink.n += s;
      },
    },
    {
      // The like-for-like baseline of the guard row: raw reads that load the
      // handle from driver data once per batch, as the guard row does.
      name: `raw DataView, handle loaded per batch of ${GUARD_BATCH}`,
      ops: OPS,
      fn: () => {
        const pdev = next();
        let s = 0;
        for (let i = 0; i < OPS; i += GUARD_BATCH) {
          const view = pdev.driverData.view;
          for (let j = i; j < i + GUARD_BATCH; j++) s += view.getUint32(offsets[j], true);
        }
        sink.n += s;
      },
    },
    {
      name: `revocable guard per batch of ${GUARD_BATCH}`,
      vs: `raw DataView, handle loaded per batch of ${GUARD_BATCH}`,
      ops: OPS,
      fn: () => {
        const pdev = next();
        let s = 0;
        for (let i = 0; i < OPS; i += GUARD_BATCH) {
          const g = pdev.driverData.devres.tryAccessWithGuard();
          if (g === null) continue;
          const bar = g.value;
          for (let j = i; j < i + GUARD_BATCH; j++) s += bar.readl(offsets[j]);
          g.release();
        }
        sink.n += s;
      },
    },
    {
      name: 'Proxy.revocable readl',
      ops: OPS,
      fn: () => {
        const pdev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += pdev.driverData.proxy.readl(offsets[i]);
        sink.n += s;
      },
    },
  ];
  // The headline suite: many short interleaved rounds (see runSuite's estimator), more processes (run.mjs).
  return runSuite('Hot path: MMIO readl on an edu BAR, per discipline', tasks, {
    rounds: 25,
    timeMs: 12,
    warmupMs: 150,
  });
}

export default suite;

await main(import.meta.url, suite);
