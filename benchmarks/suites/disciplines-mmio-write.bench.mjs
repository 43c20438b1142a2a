// Issue 11, hot path 1b: MMIO writel on a real edu BAR0 in the six
// disciplines (see disciplines-mmio-read.bench.mjs for the world). The
// register written is liveness (0x04): the edu model stores the complement
// and has no other side effect. Every write, raw included, reaches the device
// model (IoMem.writel = DataView store + pdev.mmioWrite), so the model's cost
// is common to all rows and the ratios show what each discipline adds.

import { drmDevEnter, drmDevExit, revocableTryAccess, revocableWithdrawAccess } from '@quiesce/core-devres';
import { EDU_REG_LIVENESS } from '@quiesce/pci-emu';
import { bindBenchDriver, churnedKernel } from '../lib/edu-world.mjs';
import { main, runSuite, sink } from '../lib/harness.mjs';

const OPS = 512;
const GUARD_BATCH = 64;
const REG = EDU_REG_LIVENESS;
/** Values vary per op (the model computes their complement). */
const values = new Uint32Array(OPS);
for (let i = 0; i < OPS; i++) values[i] = (i * 2654435761) >>> 0;

export async function suite() {
  const { k, pdevs: old } = await churnedKernel();
  const { pdevs } = await bindBenchDriver(k, old, { nDevs: 2 });
  let turn = 0;
  const next = () => pdevs[turn++ & 1];
  const tasks = [
    {
      name: 'raw DataView setUint32 + model hook (the limit)',
      baseline: true,
      ops: OPS,
      fn: () => {
        const pdev = next();
        for (let i = 0; i < OPS; i++) {
          const d = pdev.driverData;
          d.view.setUint32(REG, values[i], true);
          d.pdev.mmioWrite(0, REG, 4, values[i]);
        }
        sink.n += pdev.driverData.view.getUint32(REG, true);
      },
    },
    {
      name: 'fenced handle IoMem.writel',
      ops: OPS,
      fn: () => {
        const pdev = next();
        for (let i = 0; i < OPS; i++) pdev.driverData.io.writel(values[i], REG);
        sink.n += pdev.driverData.view.getUint32(REG, true);
      },
    },
    {
      name: 'Devres.access(bound).writel',
      ops: OPS,
      fn: () => {
        const pdev = next();
        for (let i = 0; i < OPS; i++) {
          const d = pdev.driverData;
          d.devres.access(d.bound).writel(values[i], REG);
        }
        sink.n += pdev.driverData.view.getUint32(REG, true);
      },
    },
    {
      name: 'revocable tryAccess() per writel',
      ops: OPS,
      fn: () => {
        const pdev = next();
        for (let i = 0; i < OPS; i++) {
          const bar = pdev.driverData.devres.tryAccess();
          if (bar !== null) bar.writel(values[i], REG);
        }
        sink.n += pdev.driverData.view.getUint32(REG, true);
      },
    },
    {
      name: 'srcu-device drm_dev_enter/exit per writel',
      ops: OPS,
      fn: () => {
        const pdev = next();
        for (let i = 0; i < OPS; i++) {
          const d = pdev.driverData;
          const idx = drmDevEnter(d.ddev);
          if (idx < 0) continue;
          d.io.writel(values[i], REG);
          drmDevExit(d.ddev, idx);
        }
        sink.n += pdev.driverData.view.getUint32(REG, true);
      },
    },
    {
      name: 'c-revocable try_access/withdraw per writel',
      ops: OPS,
      fn: () => {
        const pdev = next();
        for (let i = 0; i < OPS; i++) {
          const rev = pdev.driverData.rev;
          const bar = revocableTryAccess(rev);
          if (bar !== null) bar.writel(values[i], REG);
          revocableWithdrawAccess(rev);
        }
        sink.n += pdev.driverData.view.getUint32(REG, true);
      },
    },
    {
      name: `revocable guard per batch of ${GUARD_BATCH}`,
      ops: OPS,
      fn: () => {
        const pdev = next();
        for (let i = 0; i < OPS; i += GUARD_BATCH) {
          const g = pdev.driverData.devres.tryAccessWithGuard();
          if (g === null) continue;
          const bar = g.value;
          for (let j = i; j < i + GUARD_BATCH; j++) bar.writel(values[j], REG);
          g.release();
        }
        sink.n += pdev.driverData.view.getUint32(REG, true);
      },
    },
    {
      name: 'Proxy.revocable writel',
      ops: OPS,
      fn: () => {
        const pdev = next();
        for (let i = 0; i < OPS; i++) pdev.driverData.proxy.writel(values[i], REG);
        sink.n += pdev.driverData.view.getUint32(REG, true);
      },
    },
  ];
  return runSuite('Hot path: MMIO writel on an edu BAR, per discipline', tasks, { rounds: 3, timeMs: 200 });
}

export default suite;

await main(import.meta.url, suite);
