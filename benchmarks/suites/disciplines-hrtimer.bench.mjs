// Issue 11, hot path 2: an hrtimer expiry whose callback reads an edu BAR
// register, in the six disciplines. Each sample arms TIMERS timers (half on
// each of two bound edu devices; each callback reaches BAR0 through its
// device's driver data) at varied relative expiries, then runs the kernel
// until they have all fired: the figure is ns per arm + expiry + callback,
// with nothing subtracted. The fenced row's timers are devm-managed
// (cancelled by the unbind fence); the others are plain hrtimers, as a
// revocable driver's would be. Ratios are to the raw-callback row.

import { drmDevEnter, drmDevExit, revocableTryAccess, revocableWithdrawAccess } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  devmHrtimerSetup,
  HRTIMER_MODE_REL,
  HRTIMER_NORESTART,
  HrTimer,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { bindBenchDriver, churnedKernel, READ_REGS } from '../lib/edu-world.mjs';
import { main, quick, runSuite, sink } from '../lib/harness.mjs';

const TIMERS = 1024;
/** Relative expiries, varied (1..~64 µs) so the timer queue does real work. */
const deltas = new Float64Array(TIMERS);
for (let i = 0; i < TIMERS; i++) deltas[i] = 1000 + (((i * 2654435761) >>> 0) % 63_000);
const SPAN = 64_001;
let tick = 0;

/** One callback factory per discipline: distinct functions, so no call site is shared between rows. */
const callbacks = {
  raw: (pdev) =>
    function rawExpiry() {
      sink.n += pdev.driverData.view.getUint32(READ_REGS[tick++ & 3], true);
      return HRTIMER_NORESTART;
    },
  fenced: (pdev) =>
    function fencedExpiry() {
      sink.n += pdev.driverData.io.readl(READ_REGS[tick++ & 3]);
      return HRTIMER_NORESTART;
    },
  access: (pdev) =>
    function accessExpiry() {
      const d = pdev.driverData;
      sink.n += d.devres.access(d.bound).readl(READ_REGS[tick++ & 3]);
      return HRTIMER_NORESTART;
    },
  tryAccess: (pdev) =>
    function tryAccessExpiry() {
      const bar = pdev.driverData.devres.tryAccess();
      if (bar !== null) sink.n += bar.readl(READ_REGS[tick++ & 3]);
      return HRTIMER_NORESTART;
    },
  srcu: (pdev) =>
    function srcuDeviceExpiry() {
      const d = pdev.driverData;
      const idx = drmDevEnter(d.ddev);
      if (idx >= 0) {
        sink.n += d.io.readl(READ_REGS[tick++ & 3]);
        drmDevExit(d.ddev, idx);
      }
      return HRTIMER_NORESTART;
    },
  crev: (pdev) =>
    function cRevocableExpiry() {
      const rev = pdev.driverData.rev;
      const bar = revocableTryAccess(rev);
      if (bar !== null) sink.n += bar.readl(READ_REGS[tick++ & 3]);
      revocableWithdrawAccess(rev);
      return HRTIMER_NORESTART;
    },
  guard: (pdev) =>
    function guardExpiry() {
      const g = pdev.driverData.devres.tryAccessWithGuard();
      if (g !== null) {
        sink.n += g.value.readl(READ_REGS[tick++ & 3]);
        g.release();
      }
      return HRTIMER_NORESTART;
    },
  proxy: (pdev) =>
    function proxyExpiry() {
      sink.n += pdev.driverData.proxy.readl(READ_REGS[tick++ & 3]);
      return HRTIMER_NORESTART;
    },
};

export async function suite() {
  const { k, pdevs: old } = await churnedKernel();
  const { pdevs } = await bindBenchDriver(k, old, {
    nDevs: 2,
    extra(pdev, priv) {
      priv.timers = {};
      for (const [kind, make] of Object.entries(callbacks)) {
        priv.timers[kind] = Array.from({ length: TIMERS / 2 }, () =>
          kind === 'fenced'
            ? devmHrtimerSetup(pdev, new HrTimer(), make(pdev), CLOCK_MONOTONIC, HRTIMER_MODE_REL, null)
            : hrtimerSetup(k, new HrTimer(), make(pdev), CLOCK_MONOTONIC, HRTIMER_MODE_REL, null),
        );
      }
    },
  });
  /** Interleaves the two devices' timers of one discipline. */
  const set = (kind) => Array.from({ length: TIMERS }, (_, i) => pdevs[i & 1].driverData.timers[kind][i >> 1]);
  const run = (timers) => async () => {
    for (let i = 0; i < TIMERS; i++) hrtimerStart(timers[i], deltas[i], HRTIMER_MODE_REL);
    await k.runFor(SPAN);
  };
  const row = (name, kind, baseline = false) => ({ name, ops: TIMERS, fn: run(set(kind)), baseline });
  const tasks = [
    row('raw callback: DataView read (the limit)', 'raw', true),
    row('fenced handle: devm timer, IoMem.readl', 'fenced'),
    row('Devres.access(bound).readl', 'access'),
    row('revocable tryAccess() per expiry', 'tryAccess'),
    row('srcu-device drm_dev_enter/exit per expiry', 'srcu'),
    row('c-revocable try_access/withdraw per expiry', 'crev'),
    row('revocable guard per expiry', 'guard'),
    row('Proxy.revocable readl', 'proxy'),
  ];
  const before = tick;
  const out = await runSuite('Hot path: hrtimer expiry reading an edu register', tasks, {
    rounds: 3,
    timeMs: quick ? 20 : 250,
  });
  if (tick === before) throw new Error('no timer fired');
  return out;
}

export default suite;

await main(import.meta.url, suite);
