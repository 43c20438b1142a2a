// Issue 11, teardown: the latency of one unbind against N outstanding
// timers, works or open files (N = 1, 10^2, 10^4, and 10^5 unless --quick),
// fenced versus revocable, in virtual time (k.now before/after the unbind,
// inside the unbinding task) and in wall time.
//
//   fenced     devm hrtimers armed (fence = hrtimer_cancel each), devm delayed
//              works pending (fence = cancel_delayed_work_sync each), a fenced
//              misc device with N open files (fence = misc_deregister: wait
//              for in-flight ops, release every file).
//   revocable  each timer's / work's data behind its own Devres (fence =
//              revoke: wait for readers + one RCU grace period each; the
//              timers and works themselves stay armed/pending and later find
//              nothing), a revocable misc device with N open files (deregister
//              revokes every file's private data, a grace period each).
//   srcu-device every callback and ioctl inside drm_dev_enter/exit of one
//              DRM-style device (fence = drm_dev_unplug: the flag, then ONE
//              synchronize_srcu for the device whatever N is; the timers and
//              works stay armed/pending and later find the device unplugged),
//              a plain misc device whose ioctl is guarded the same way.
//   c-revocable each timer's / work's data behind its own C revocable
//              provider (fence = revocable_provider_revoke: one
//              synchronize_srcu per provider), a plain misc device whose open
//              files go through one provider (revocable_replace_fops: one
//              grace period for the device's files).
//
// Each configuration is built in a fresh kernel that has churned the real
// edu driver first; the unbind runs as one task; a row's figure is the median
// over REPS unbinds (each on a fresh device). Rows carry nsPerOp = wall ns per
// unbind and virtualNs = virtual ns per unbind; ratio = discipline / fenced at
// the same N and kind (fenced rows are 1); gracePeriods = SRCU grace periods
// the unbind waited (srcu-device and c-revocable rows).
import {
  Devres,
  deviceReleaseDriver,
  devmRevocableProviderAlloc,
  devresAdd,
  drmDevAlloc,
  drmDevEnter,
  drmDevExit,
  drmDevUnplug,
  revocableScoped,
  srcuGracePeriods,
} from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  devmHrtimerSetup,
  HRTIMER_MODE_REL,
  HRTIMER_NORESTART,
  HrTimer,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { devmMiscRegister, MISC_DYNAMIC_MINOR, O_RDWR, open, revocableReplaceFops } from '@quiesce/miscdev';
import { EduDevice, pciAddDevice, pcimEnableDevice, pciRegisterDriver, pciUnregisterDriver } from '@quiesce/pci-emu';
import { allocDelayedWork, devmDelayedWorkInit, initDelayedWork, queueDelayedWork, systemWq } from '@quiesce/workqueue';
import { churnedKernel, execFor } from '../lib/edu-world.mjs';
import { main, printSuite, quick, sink } from '../lib/harness.mjs';

const COUNTS = quick ? [1, 100] : [1, 100, 10_000, 100_000];
/** Far enough that nothing outstanding fires during the measurement. */
const FAR = 1e15;
let serial = 0;

function noopTimer() {
  return HRTIMER_NORESTART;
}
async function noopWork() {}

/** Probe-time setup of N outstanding resources of `kind` in `discipline`; returns what must happen after probe (opens). */
function probeFor(k, kind, discipline, n) {
  return async (pdev) => {
    pcimEnableDevice(pdev);
    const priv = { name: `td${serial++}` };
    pdev.driverData = priv;
    if (discipline === 'srcu-device') {
      const ddev = drmDevAlloc(pdev, priv.name);
      priv.ddev = ddev;
      devresAdd(pdev, { name: 'drm_dev_unplug', fence: () => drmDevUnplug(ddev), release: () => undefined });
    }
    if (discipline === 'srcu-device' || discipline === 'c-revocable')
      return srcuProbe(k, pdev, priv, kind, discipline, n);
    if (kind === 'timers') {
      for (let i = 0; i < n; i++) {
        if (discipline === 'fenced') {
          const t = devmHrtimerSetup(pdev, new HrTimer(), noopTimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL, null);
          hrtimerStart(t, FAR + i, HRTIMER_MODE_REL);
        } else {
          const t = new HrTimer();
          const data = new Devres(pdev, { t, n: i }, 'timer data');
          hrtimerSetup(
            k,
            t,
            () => {
              const d = data.tryAccess();
              if (d !== null) sink.n += d.n;
              return HRTIMER_NORESTART;
            },
            CLOCK_MONOTONIC,
            HRTIMER_MODE_REL,
            null,
          );
          hrtimerStart(t, FAR + i, HRTIMER_MODE_REL);
        }
      }
    } else if (kind === 'works') {
      const wq = systemWq(k);
      for (let i = 0; i < n; i++) {
        if (discipline === 'fenced') {
          const w = devmDelayedWorkInit(pdev, allocDelayedWork(k), noopWork, null);
          queueDelayedWork(wq, w, FAR);
        } else {
          const data = new Devres(pdev, { n: i }, 'work data');
          const w = initDelayedWork(
            allocDelayedWork(k),
            async () => {
              const d = data.tryAccess();
              if (d !== null) sink.n += d.n;
            },
            null,
          );
          queueDelayedWork(wq, w, FAR);
        }
      }
    } else {
      const misc = {
        minor: MISC_DYNAMIC_MINOR,
        name: priv.name,
        fops: {
          owner: null,
          async unlockedIoctl() {
            return 0;
          },
        },
        mode: discipline === 'fenced' ? 'fenced' : 'revocable',
      };
      await devmMiscRegister(pdev, misc);
    }
  };
}

/** srcu-device: one device guard for everything; c-revocable: a provider per timer/work, one for the files. */
async function srcuProbe(k, pdev, priv, kind, discipline, n) {
  const guarded =
    discipline === 'srcu-device'
      ? (read) => {
          const idx = drmDevEnter(priv.ddev);
          if (idx < 0) return;
          sink.n += read();
          drmDevExit(priv.ddev, idx);
        }
      : null;
  const provider = (i) => devmRevocableProviderAlloc(pdev, { n: i }, 'td data');
  if (kind === 'timers') {
    for (let i = 0; i < n; i++) {
      const t = new HrTimer();
      const rp = guarded === null ? provider(i) : null;
      const cb =
        rp === null
          ? () => {
              guarded(() => i);
              return HRTIMER_NORESTART;
            }
          : () => {
              revocableScoped(rp, (d) => {
                if (d !== null) sink.n += d.n;
              });
              return HRTIMER_NORESTART;
            };
      hrtimerSetup(k, t, cb, CLOCK_MONOTONIC, HRTIMER_MODE_REL, null);
      hrtimerStart(t, FAR + i, HRTIMER_MODE_REL);
    }
  } else if (kind === 'works') {
    const wq = systemWq(k);
    for (let i = 0; i < n; i++) {
      const rp = guarded === null ? provider(i) : null;
      const fn =
        rp === null
          ? async () => guarded(() => i)
          : async () =>
              revocableScoped(rp, (d) => {
                if (d !== null) sink.n += d.n;
              });
      queueDelayedWork(wq, initDelayedWork(allocDelayedWork(k), fn, null), FAR);
    }
  } else {
    const rp = guarded === null ? provider(0) : null;
    const fops = {
      owner: null,
      async unlockedIoctl() {
        if (rp === null) guarded(() => 0);
        return 0;
      },
      ...(rp === null
        ? {}
        : {
            async open(file) {
              revocableReplaceFops(file, rp);
            },
          }),
    };
    await devmMiscRegister(pdev, { minor: MISC_DYNAMIC_MINOR, name: priv.name, fops, mode: 'kernel' });
  }
}

/** One unbind of a device holding `n` outstanding `kind` in `discipline`: {wallNs, virtualNs}. */
async function once(kind, discipline, n) {
  const { k } = await churnedKernel({ rounds: 1 });
  const drv = { name: `td-${kind}-${discipline}`, owner: null, idTable: [{ vendor: 0x1234, device: 0x11e8 }] };
  drv.probe = probeFor(k, kind, discipline, n);
  // The churned device binds on registration; plug a fresh one and unbind that.
  await k.exec('register', () => pciRegisterDriver(k, drv));
  const pdev = await k.exec('plug', () => pciAddDevice(k, new EduDevice()));
  if (pdev.driver === null) throw new Error('teardown: device did not bind');
  if (kind === 'files') {
    const files = [];
    await k.exec('open', async () => {
      for (let i = 0; i < n; i++) files.push(await open(k, `/dev/${pdev.driverData.name}`, O_RDWR));
    });
    sink.n += files.length;
  }
  let wallNs = 0;
  let virtualNs = 0;
  const gp0 = srcuGracePeriods(k);
  await execFor(
    k,
    'unbind',
    async () => {
      const v0 = k.now;
      const w0 = performance.now();
      await deviceReleaseDriver(pdev);
      wallNs = (performance.now() - w0) * 1e6;
      virtualNs = k.now - v0;
    },
    1e12,
  );
  if (pdev.driver !== null) throw new Error('teardown: still bound');
  void pciUnregisterDriver;
  return { wallNs, virtualNs, gracePeriods: srcuGracePeriods(k) - gp0 };
}

const DISCIPLINES = ['fenced', 'revocable', 'srcu-device', 'c-revocable'];
const LABEL = {
  fenced: 'fenced (cancel/drain)',
  revocable: 'revocable (revoke + GP)',
  'srcu-device': 'srcu-device (unplug: 1 GP/device)',
  'c-revocable': 'c-revocable (revoke: 1 GP/provider)',
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export async function suite() {
  const rows = [];
  for (const kind of ['timers', 'works', 'files']) {
    for (const n of COUNTS) {
      const reps = quick || n >= 10_000 ? 1 : 3;
      const pair = {};
      for (const discipline of DISCIPLINES) {
        const runs = [];
        for (let r = 0; r < reps; r++) runs.push(await once(kind, discipline, n));
        const wall = runs.map((x) => x.wallNs);
        const virt = runs.map((x) => x.virtualNs);
        const mid = median(wall);
        pair[discipline] = {
          name: `${LABEL[discipline]}: ${kind} ×${n.toLocaleString('en')}`,
          ops: 1,
          nsPerOp: mid,
          virtualNs: median(virt),
          rmePct: reps > 1 ? ((Math.max(...wall) - Math.min(...wall)) / mid) * 100 : 0,
          roundSpreadPct: reps > 1 ? ((Math.max(...wall) - Math.min(...wall)) / mid) * 100 : 0,
          samples: reps,
          rounds: reps,
          baseline: false,
          ...(discipline === 'srcu-device' || discipline === 'c-revocable'
            ? { gracePeriods: median(runs.map((x) => x.gracePeriods)) }
            : {}),
        };
      }
      pair.fenced.ratio = 1;
      pair.fenced.ratioSpreadPct = 0;
      for (const d of DISCIPLINES.slice(1)) {
        pair[d].ratio = pair[d].nsPerOp / pair.fenced.nsPerOp;
        pair[d].ratioSpreadPct = Math.hypot(pair[d].rmePct, pair.fenced.rmePct);
        pair[d].virtualRatio = pair.fenced.virtualNs > 0 ? pair[d].virtualNs / pair.fenced.virtualNs : null;
      }
      rows.push(...DISCIPLINES.map((d) => pair[d]));
    }
  }
  rows[0].baseline = true;
  return {
    title: 'Teardown: unbind latency against N outstanding timers, works, open files',
    baseline: 'fenced at the same N and kind',
    note: 'ns/op = wall ns per unbind (median over reps, ± = (max−min)/median across reps); virtual = k.now after − before the unbind; gracePeriods = SRCU grace periods waited (srcu-device: one per device at every N)',
    rows,
  };
}

export default suite;

await main(import.meta.url, suite);
void printSuite;
