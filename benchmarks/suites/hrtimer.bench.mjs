// Issue 6: hrtimer costs. (a) arm+cancel and (b) arm+expire throughput with
// 10^3..10^6 timers outstanding, against the kernel's bare timer queue;
// (c) one expiry whose callback reads a BAR register through a fenced handle
// vs through Revocable.tryAccess(), against a raw DataView read. Measured in a
// process that has already bound, used and unbound a device (its FencedView
// released), because that is the state a real system is in.
import {
  BusType,
  Device,
  deviceBind,
  deviceReleaseDriver,
  devresAdd,
  FencedView,
  Kernel,
  Revocable,
  timerEntry,
} from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  devmHrtimerSetup,
  HRTIMER_NORESTART,
  HrTimer,
  HrtimerMode,
  hrtimerSetup,
  hrtimerStart,
  hrtimerTryToCancel,
} from '@quiesce/hrtimer';
import { main, runSuite, sink } from '../lib/harness.mjs';

// 10^6 (seconds per sample) left out: the full report must stay under 5 minutes (issue 16).
const SIZES = [1e3, 1e4, 1e5];
const BAR_OPS = 1024;

/** Deterministic, distinct-ish expiries (no Math.random: same run, same heap shapes). */
function expiries(n) {
  const e = new Float64Array(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    e[i] = 1 + (x % (n * 16));
  }
  return e;
}

/** Bind, use and unbind one device with a devm hrtimer and a fenced BAR: released handles now exist. */
async function churn() {
  const k = new Kernel({ sanitizer: 'off', trace: false });
  const dev = new Device(k, 'old', new BusType(k, 'bench'));
  await k.exec('bind', () =>
    deviceBind(dev, {
      name: 'old',
      owner: null,
      async probe(d) {
        const bar = new FencedView(k, 'old BAR0', new DataView(new ArrayBuffer(4096)));
        devresAdd(d, { name: 'bar', release: () => bar.release() });
        const t = devmHrtimerSetup(
          d,
          new HrTimer(),
          () => {
            sink.n += bar.readl(0);
            return HRTIMER_NORESTART;
          },
          CLOCK_MONOTONIC,
          HrtimerMode.REL,
          null,
        );
        hrtimerStart(t, 1000, HrtimerMode.REL);
      },
    }),
  );
  await k.exec('unbind', () => deviceReleaseDriver(dev));
  if (k.reports.length > 0) throw new Error('churn produced reports');
}

/** Runs one group of tasks; its rows are named `group: task` and their ratios are against the group's baseline. */
async function runGroup(group, tasks, opts = {}) {
  const { iterations = 8, timeMs = 100, rounds, warmupMs = 50 } = opts;
  const s = await runSuite(group, tasks, {
    timeMs,
    warmupMs,
    iterations,
    warmupIterations: warmupMs === 0 ? 0 : 2,
    prefix: group,
    ...(rounds !== undefined ? { rounds } : {}),
  });
  return s.rows;
}

function noop() {
  return HRTIMER_NORESTART;
}

async function throughput(n) {
  const k = new Kernel({ sanitizer: 'off', trace: false, maxSteps: 1e8 });
  const exp = expiries(n);
  const raw = Array.from({ length: n }, (_, i) => timerEntry(`raw${i}`, 0, () => sink.n++));
  const timers = Array.from({ length: n }, () => hrtimerSetup(k, new HrTimer(), noop, CLOCK_MONOTONIC, 0, null));
  const expTimers = Array.from({ length: n }, () =>
    hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        sink.n++;
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      0,
      null,
    ),
  );
  // 10^6 timers take seconds per iteration: one round, one sample, no warm-up there.
  const opts =
    n >= 1e6 ? { iterations: 1, timeMs: 1, rounds: 1, warmupMs: 0 } : { iterations: n >= 1e5 ? 3 : 8, timeMs: 100 };
  const nLabel = `10^${Math.round(Math.log10(n))}`;
  const arm = await runGroup(
    `arm+cancel ${nLabel}`,
    [
      {
        name: 'raw timer queue (armTimer+cancelTimer)',
        baseline: true,
        ops: n,
        fn: () => {
          const base = k.now;
          for (let i = 0; i < n; i++) k.armTimer(raw[i], base + exp[i]);
          let c = 0;
          for (let i = 0; i < n; i++) c += k.cancelTimer(raw[i]) ? 1 : 0;
          sink.n += c;
        },
      },
      {
        name: 'hrtimerStart+hrtimerTryToCancel',
        ops: n,
        fn: () => {
          for (let i = 0; i < n; i++) hrtimerStart(timers[i], exp[i], HrtimerMode.REL);
          let c = 0;
          for (let i = 0; i < n; i++) c += hrtimerTryToCancel(timers[i]);
          sink.n += c;
        },
      },
    ],
    opts,
  );
  const expire = await runGroup(
    `arm+expire ${nLabel}`,
    [
      {
        name: 'raw timer queue entry, empty fire',
        baseline: true,
        ops: n,
        fn: async () => {
          const base = k.now;
          for (let i = 0; i < n; i++) k.armTimer(raw[i], base + exp[i]);
          await k.run();
        },
      },
      {
        name: 'hrtimer expiry (hardirq, owner check)',
        ops: n,
        fn: async () => {
          for (let i = 0; i < n; i++) hrtimerStart(expTimers[i], exp[i], HrtimerMode.REL);
          await k.run();
        },
      },
    ],
    opts,
  );
  return [...arm, ...expire];
}

/** Driver data: the timer embedded with the handles its callback uses. */
class EduTimer extends HrTimer {
  constructor(view, bar, revView, revBar) {
    super();
    this.view = view;
    this.bar = bar;
    this.revView = revView;
    this.revBar = revBar;
    this.off = 0;
  }
}

async function barExpiry() {
  const k = new Kernel({ sanitizer: 'off', trace: false });
  const buf = new ArrayBuffer(4096);
  new Uint32Array(buf).forEach((_, i, a) => {
    a[i] = (i * 2654435761) >>> 0;
  });
  const view = new DataView(buf);
  const bar = new FencedView(k, 'edu BAR0', new DataView(buf));
  const revView = new Revocable(k, new DataView(buf), 'edu BAR0 view');
  const revBar = new Revocable(k, bar, 'edu BAR0 fenced');
  const mk = (fn) =>
    Array.from({ length: BAR_OPS }, (_, i) => {
      const t = hrtimerSetup(k, new EduTimer(view, bar, revView, revBar), fn, CLOCK_MONOTONIC, 0, null);
      t.off = ((i * 7) & 1023) << 2;
      return t;
    });
  const sets = {
    raw: mk((t) => {
      sink.n += t.view.getUint32(t.off, true);
      return HRTIMER_NORESTART;
    }),
    fenced: mk((t) => {
      sink.n += t.bar.readl(t.off);
      return HRTIMER_NORESTART;
    }),
    revView: mk((t) => {
      const v = t.revView.tryAccess();
      if (v !== null) sink.n += v.getUint32(t.off, true);
      return HRTIMER_NORESTART;
    }),
    revBar: mk((t) => {
      const b = t.revBar.tryAccess();
      if (b !== null) sink.n += b.readl(t.off);
      return HRTIMER_NORESTART;
    }),
  };
  const expireAll = (ts) => async () => {
    for (let i = 0; i < BAR_OPS; i++) hrtimerStart(ts[i], i, HrtimerMode.REL);
    await k.run();
  };
  return runGroup(
    'expiry reading a BAR register',
    [
      { name: 'callback: raw DataView getUint32', baseline: true, ops: BAR_OPS, fn: expireAll(sets.raw) },
      { name: 'callback: FencedView readl', ops: BAR_OPS, fn: expireAll(sets.fenced) },
      { name: 'callback: Revocable.tryAccess() → DataView', ops: BAR_OPS, fn: expireAll(sets.revView) },
      { name: 'callback: Revocable.tryAccess() → FencedView', ops: BAR_OPS, fn: expireAll(sets.revBar) },
    ],
    { iterations: 16, timeMs: 100 },
  );
}

export async function suite() {
  await churn();
  const rows = [...(await barExpiry())];
  for (const n of SIZES) {
    rows.push(...(await throughput(n)));
    globalThis.gc?.();
  }
  return {
    title: 'hrtimer: arm+cancel, arm+expire, expiry touching a BAR',
    baseline: 'the raw row of each group (ratios are per group)',
    rows,
  };
}

export default async function () {
  return suite();
}

await main(import.meta.url, suite);
