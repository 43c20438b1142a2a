// The operation census of every discipline (docs/benchmarks.md, "Census and
// projection"): each hot path (one MMIO read, one MMIO write, one hrtimer
// arm + expiry whose callback reads a register, one work item queued and
// run, one ioctl) and one unbind with N outstanding timers, works or open
// files, counted exactly by a kernel made with { census: true }. Counts are
// a property of the simulated code, not of the machine: no timing here.
import { censusOf, Devres, deviceReleaseDriver, Kernel } from '@quiesce/core-devres';
import { HRTIMER_MODE_REL, hrtimerStart } from '@quiesce/hrtimer';
import { MISC_DYNAMIC_MINOR, O_RDWR, open } from '@quiesce/miscdev';
import {
  EDU_DEVICE_ID,
  EDU_REG_ID,
  EDU_REG_LIVENESS,
  EDU_VENDOR_ID,
  EduDevice,
  pciAddDevice,
  pcimEnableDevice,
  pcimIomapRegion,
  pciRegisterDriver,
} from '@quiesce/pci-emu';
import { queueDelayedWork, queueWork, systemWq } from '@quiesce/workqueue';
import { DISCIPLINES } from './disciplines.mjs';

/** The hot paths counted, in report order. */
export const PATHS = ['mmio-read', 'mmio-write', 'timer-expiry', 'work-item', 'ioctl'];
/** Outstanding-resource kinds of the unbind census. */
export const UNBIND_KINDS = ['timers', 'works', 'files'];
/** The two sizes the unbind line is solved from, and the size it is checked at. */
export const UNBIND_AT = [1, 100];
export const UNBIND_CHECK = 1000;

const CMD = 0x4500;
const FAR = 1e15;
let serial = 0;

function censusKernel() {
  return new Kernel({ census: true, trace: false, sanitizer: 'off', cpus: 2 });
}

/** Registers `probe` as an edu driver (with `remove`), plugs one edu device, returns it bound. */
async function bindOne(k, probe, remove) {
  const drv = {
    name: `census${serial++}`,
    owner: null,
    idTable: [{ vendor: EDU_VENDOR_ID, device: EDU_DEVICE_ID }],
    probe,
    ...(remove ? { remove } : {}),
  };
  await k.exec('register', () => pciRegisterDriver(k, drv));
  const pdev = await k.exec('plug', () => pciAddDevice(k, new EduDevice()));
  if (pdev.driver === null) throw new Error(`census: ${drv.name} did not bind`);
  return pdev;
}

/** The hot paths of one discipline, each counted once. */
async function hotPaths(dsc) {
  const k = censusKernel();
  let tick = 0;
  const pdev = await bindOne(k, async (p, _id, bound) => {
    pcimEnableDevice(p);
    const io = pcimIomapRegion(p, 0, 'census');
    const d = { pdev: p, io, devres: new Devres(p, io, 'census BAR0'), bound };
    p.driverData = d;
    d.timer = dsc.timer(k, p, () => {
      tick += dsc.read(d, EDU_REG_ID) & 1;
      return 0;
    });
    d.work = dsc.work(k, p, async () => {
      tick += dsc.read(d, EDU_REG_ID) & 1;
    });
    d.misc = {
      minor: MISC_DYNAMIC_MINOR,
      name: `census${serial++}`,
      fops: { owner: null, unlockedIoctl: async () => dsc.read(d, EDU_REG_ID) & 0x7fff_ffff },
      pdev: p,
    };
    await dsc.misc(k, p, d.misc);
  });
  const d = pdev.driverData;
  const f = await k.exec('open', () => open(k, `/dev/${d.misc.name}`, O_RDWR));
  // Warm-up: the timer's base sits on the CPU that arms it, and the kworker exists and idles,
  // so the counted runs see the steady state (a wake-up of an idle kworker, no base migration).
  hrtimerStart(d.timer, 1000, HRTIMER_MODE_REL);
  await k.runFor(2000);
  queueWork(systemWq(k), d.work);
  await k.run();
  const out = {};
  out['mmio-read'] = censusOf(k, 'mmio-read', () => dsc.read(d, EDU_REG_ID)).counts;
  out['mmio-write'] = censusOf(k, 'mmio-write', () => dsc.write(d, 0x5a5a, EDU_REG_LIVENESS)).counts;
  out['timer-expiry'] = (
    await censusOf(k, 'timer-expiry', async () => {
      hrtimerStart(d.timer, 1000, HRTIMER_MODE_REL);
      await k.runFor(2000);
    })
  ).counts;
  out['work-item'] = (
    await censusOf(k, 'work-item', async () => {
      queueWork(systemWq(k), d.work);
      await k.run();
    })
  ).counts;
  // Counted inside the calling task, so the harness's own task switch is not the ioctl's.
  out.ioctl = await k.exec('ioctl', async () => (await censusOf(k, 'ioctl', () => f.ioctl(CMD, 0))).counts);
  if (tick === 0) throw new Error(`census ${dsc.id}: no callback ran`);
  return out;
}

/** One unbind of a device holding `n` outstanding `kind` in discipline `dsc`: its counts. */
async function unbindOnce(dsc, kind, n) {
  const k = censusKernel();
  const pdev = await bindOne(
    k,
    async (p) => {
      pcimEnableDevice(p);
      const d = { name: `census${serial++}` };
      p.driverData = d;
      if (kind === 'timers') {
        d.timers = [];
        for (let i = 0; i < n; i++) {
          const t = dsc.outstandingTimer(k, p, i);
          hrtimerStart(t, FAR + i, HRTIMER_MODE_REL);
          d.timers.push(t);
        }
      } else if (kind === 'works') {
        d.works = [];
        for (let i = 0; i < n; i++) {
          const w = dsc.outstandingWork(k, p, i);
          queueDelayedWork(systemWq(k), w, FAR);
          d.works.push(w);
        }
      } else {
        d.miscdev = {
          minor: MISC_DYNAMIC_MINOR,
          name: d.name,
          fops: { owner: null, unlockedIoctl: async () => 0 },
          mode: dsc.filesMode,
        };
        await dsc.filesMisc(k, p, d.miscdev);
      }
    },
    dsc.remove ? (p) => dsc.remove(k, p.driverData) : null,
  );
  if (kind === 'files') {
    await k.exec('open', async () => {
      for (let i = 0; i < n; i++) await open(k, `/dev/${pdev.driverData.name}`, O_RDWR);
    });
  }
  const counts = await k.exec(
    'unbind',
    async () => (await censusOf(k, 'unbind', () => deviceReleaseDriver(pdev))).counts,
  );
  if (pdev.driver !== null) throw new Error(`census ${dsc.id}: still bound after unbind`);
  return counts;
}

const same = (a, b) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((x) => (a[x] ?? 0) === (b[x] ?? 0));
};

/**
 * The census of every discipline in `disciplines` (default: all): per
 * discipline `paths` (hot path → counts), `unbindAt` (kind → {N → counts}),
 * `unbind` (kind → {fixed, per}: counts = fixed + N × per, solved from
 * N = 1 and 100), and `linear` (kind → whether N = 1000 lies on the line).
 */
export async function runCensus(disciplines = DISCIPLINES, { check = true } = {}) {
  const { countsAt, unbindLine } = await import('./projection.mjs');
  const counts = {};
  for (const dsc of disciplines) {
    const paths = await hotPaths(dsc);
    const unbindAt = {};
    const unbind = {};
    const linear = {};
    for (const kind of UNBIND_KINDS) {
      const [a, b] = UNBIND_AT;
      unbindAt[kind] = { [a]: await unbindOnce(dsc, kind, a), [b]: await unbindOnce(dsc, kind, b) };
      unbind[kind] = unbindLine(unbindAt[kind][a], a, unbindAt[kind][b], b);
      if (check) linear[kind] = same(countsAt(unbind[kind], UNBIND_CHECK), await unbindOnce(dsc, kind, UNBIND_CHECK));
    }
    counts[dsc.id] = { paths, unbindAt, unbind, linear };
  }
  return { paths: PATHS, unbindKinds: UNBIND_KINDS, unbindAt: UNBIND_AT, checkedAt: UNBIND_CHECK, counts };
}

/** report.json's `census`: discipline → path → counts (unbinds as `unbind <kind> ×N`). */
export function censusTable(census) {
  const out = {};
  for (const [id, c] of Object.entries(census.counts)) {
    out[id] = { ...c.paths };
    for (const [kind, at] of Object.entries(c.unbindAt))
      for (const [n, counts] of Object.entries(at)) out[id][`unbind ${kind} ×${n}`] = counts;
  }
  return out;
}
