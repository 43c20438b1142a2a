// The disciplines the report compares (docs/design.md §8), as data: what each
// is in kernel terms, how its hot path reaches BAR0, how it sets up and tears
// down timers, works and misc devices, and which measured row stands for it.
// A new discipline is one more entry (the census, the projection and the
// first-screen table are driven by this list).
import {
  Devres,
  devmRevocableProviderAlloc,
  drmDevAlloc,
  drmDevEnter,
  drmDevExit,
  drmDevUnplug,
  revocableAlloc,
  revocableProviderAlloc,
  revocableTryAccess,
  revocableWithdrawAccess,
} from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  devmHrtimerSetup,
  HRTIMER_MODE_REL,
  HRTIMER_NORESTART,
  HrTimer,
  hrtimerCancel,
  hrtimerSetup,
} from '@quiesce/hrtimer';
import { devmMiscRegister, miscDeregister, miscRegister } from '@quiesce/miscdev';
import {
  allocDelayedWork,
  allocWork,
  cancelDelayedWorkSync,
  devmDelayedWorkInit,
  devmWorkInit,
  initDelayedWork,
  initWork,
} from '@quiesce/workqueue';

const noopTimer = () => HRTIMER_NORESTART;
async function noopWork() {}

/**
 * How a resource's callback reaches its data in the revocable disciplines:
 * each resource's data behind its own `Devres` (the worst case the seed mail
 * argues about: one grace period per resource at unbind).
 */
function devresPerResource(pdev, i) {
  return new Devres(pdev, { n: i }, `data ${i}`);
}

/** Driver-side pieces shared by the two revocable flavours (they differ only on the hot path). */
const revocableSetup = {
  timer: (k, _pdev, cb) => hrtimerSetup(k, new HrTimer(), cb, CLOCK_MONOTONIC, HRTIMER_MODE_REL, null),
  work: (k, _pdev, fn) => initWork(allocWork(k), fn, null),
  misc: (k, _pdev, misc) => miscRegister(k, Object.assign(misc, { mode: misc.mode ?? 'kernel' })),
  outstandingTimer(k, pdev, i) {
    const data = devresPerResource(pdev, i);
    return hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        data.tryAccess();
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HRTIMER_MODE_REL,
      null,
    );
  },
  outstandingWork(k, pdev, i) {
    const data = devresPerResource(pdev, i);
    return initDelayedWork(
      allocDelayedWork(k),
      async () => {
        data.tryAccess();
      },
      null,
    );
  },
  filesMode: 'revocable',
  /** The misc device holding N open files: devm, so unbind deregisters it (revoking every file). */
  filesMisc: (_k, pdev, misc) => devmMiscRegister(pdev, misc),
  remove: null,
};

/**
 * Each discipline: `id` (as in docs/design.md §8), `label`, `kernel` (what it
 * is in kernel terms), `measured` (the name prefix of its row in the
 * disciplines-* suites), `read`/`write` (the hot path from driver data), and
 * the setup of timers, works, misc devices and N outstanding resources.
 */
export const DISCIPLINES = [
  {
    id: 'kernel-c',
    label: 'raw (kernel-c)',
    kernel: 'C driver: readl() on the ioremap pointer, remove() cancels in its own order',
    measured: 'raw',
    read: (d, off) => d.io.readl(off),
    write: (d, v, off) => d.io.writel(v, off),
    timer: (k, _pdev, cb) => hrtimerSetup(k, new HrTimer(), cb, CLOCK_MONOTONIC, HRTIMER_MODE_REL, null),
    work: (k, _pdev, fn) => initWork(allocWork(k), fn, null),
    misc: (k, _pdev, misc) => miscRegister(k, Object.assign(misc, { mode: misc.mode ?? 'kernel' })),
    outstandingTimer: (k) => hrtimerSetup(k, new HrTimer(), noopTimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL, null),
    outstandingWork: (k) => initDelayedWork(allocDelayedWork(k), noopWork, null),
    filesMode: 'kernel',
    filesMisc: (k, _pdev, misc) => miscRegister(k, misc),
    /** The C driver's remove(): cancels what it armed, deregisters its misc device. */
    async remove(_k, d) {
      for (const t of d.timers ?? []) await hrtimerCancel(t);
      for (const w of d.works ?? []) await cancelDelayedWorkSync(w);
      if (d.miscdev !== undefined) await miscDeregister(d.miscdev);
    },
  },
  {
    id: 'fenced',
    label: 'fenced',
    kernel: 'fence on remove: devm timers/works/misc device fenced (cancel, drain) before anything is freed',
    measured: 'fenced',
    read: (d, off) => d.io.readl(off),
    write: (d, v, off) => d.io.writel(v, off),
    timer: (_k, pdev, cb) => devmHrtimerSetup(pdev, new HrTimer(), cb, CLOCK_MONOTONIC, HRTIMER_MODE_REL, null),
    work: (_k, pdev, fn) => devmWorkInit(pdev, allocWork(pdev.kernel), fn, null),
    misc: (_k, pdev, misc) => devmMiscRegister(pdev, misc),
    outstandingTimer: (_k, pdev) =>
      devmHrtimerSetup(pdev, new HrTimer(), noopTimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL, null),
    outstandingWork: (k, pdev) => devmDelayedWorkInit(pdev, allocDelayedWork(k), noopWork, null),
    filesMode: 'fenced',
    filesMisc: (_k, pdev, misc) => devmMiscRegister(pdev, misc),
    remove: null,
  },
  {
    id: 'devres-access',
    label: 'Devres.access(bound)',
    kernel: 'Rust Devres::access(&Device<Bound>): identity compare on the hot path; unbind as revocable',
    measured: 'Devres.access',
    read: (d, off) => d.devres.access(d.bound).readl(off),
    write: (d, v, off) => d.devres.access(d.bound).writel(v, off),
    ...revocableSetup,
  },
  {
    id: 'revocable',
    label: 'revocable tryAccess()',
    kernel:
      'Rust Revocable/Devres per resource: RCU read lock + flag per access; revoke + synchronize_rcu per resource',
    measured: 'revocable tryAccess',
    read: (d, off) => {
      const bar = d.devres.tryAccess();
      return bar === null ? 0xffff_ffff : bar.readl(off);
    },
    write: (d, v, off) => {
      const bar = d.devres.tryAccess();
      if (bar !== null) bar.writel(v, off);
    },
    ...revocableSetup,
  },
  {
    id: 'srcu-device',
    label: 'srcu-device (drm_dev_enter)',
    kernel: "DRM's drm_dev_enter/exit/unplug: SRCU read lock + device flag; one synchronize_srcu per device at unbind",
    measured: 'srcu-device',
    read: (d, off) => {
      const ddev = drmDevOf(d);
      const idx = drmDevEnter(ddev);
      if (idx < 0) return 0xffff_ffff;
      const v = d.io.readl(off);
      drmDevExit(ddev, idx);
      return v;
    },
    write: (d, v, off) => {
      const ddev = drmDevOf(d);
      const idx = drmDevEnter(ddev);
      if (idx < 0) return;
      d.io.writel(v, off);
      drmDevExit(ddev, idx);
    },
    ...revocableSetup,
    outstandingTimer(k, pdev) {
      const ddev = drmDevOf(pdev.driverData, pdev);
      return hrtimerSetup(
        k,
        new HrTimer(),
        () => {
          const idx = drmDevEnter(ddev);
          if (idx >= 0) drmDevExit(ddev, idx);
          return HRTIMER_NORESTART;
        },
        CLOCK_MONOTONIC,
        HRTIMER_MODE_REL,
        null,
      );
    },
    outstandingWork(k, pdev) {
      const ddev = drmDevOf(pdev.driverData, pdev);
      return initDelayedWork(
        allocDelayedWork(k),
        async () => {
          const idx = drmDevEnter(ddev);
          if (idx >= 0) drmDevExit(ddev, idx);
        },
        null,
      );
    },
    filesMode: 'kernel',
    filesMisc: (k, pdev, misc) => {
      drmDevOf(pdev.driverData, pdev);
      return miscRegister(k, misc);
    },
    /** The DRM driver's remove(): drm_dev_unplug() (one synchronize_srcu), then its misc device goes. */
    async remove(_k, d) {
      if (d.ddev !== undefined) await drmDevUnplug(d.ddev);
      if (d.miscdev !== undefined) await miscDeregister(d.miscdev);
    },
  },
  {
    id: 'c-revocable',
    label: 'c-revocable (revocable_try_access)',
    kernel:
      'the C revocable API: SRCU read lock + resource pointer per access; synchronize_srcu per provider at unbind',
    measured: 'c-revocable',
    read: (d, off) => {
      const rev = cRevOf(d);
      const bar = revocableTryAccess(rev);
      const v = bar === null ? 0xffff_ffff : bar.readl(off);
      revocableWithdrawAccess(rev);
      return v;
    },
    write: (d, v, off) => {
      const rev = cRevOf(d);
      const bar = revocableTryAccess(rev);
      if (bar !== null) bar.writel(v, off);
      revocableWithdrawAccess(rev);
    },
    ...revocableSetup,
    // One provider per resource, as revocable has one Devres per resource: a grace period each at unbind.
    outstandingTimer(k, pdev, i) {
      const rev = revocableAlloc(devmRevocableProviderAlloc(pdev, { n: i }, `data ${i}`));
      return hrtimerSetup(
        k,
        new HrTimer(),
        () => {
          revocableTryAccess(rev);
          revocableWithdrawAccess(rev);
          return HRTIMER_NORESTART;
        },
        CLOCK_MONOTONIC,
        HRTIMER_MODE_REL,
        null,
      );
    },
    outstandingWork(k, pdev, i) {
      const rev = revocableAlloc(devmRevocableProviderAlloc(pdev, { n: i }, `data ${i}`));
      return initDelayedWork(
        allocDelayedWork(k),
        async () => {
          revocableTryAccess(rev);
          revocableWithdrawAccess(rev);
        },
        null,
      );
    },
  },
];

/** The srcu-device discipline's DRM device of this binding (made on first use). */
function drmDevOf(d, pdev = d.pdev) {
  if (d.ddev === undefined) d.ddev = drmDevAlloc(pdev, `drm-${d.name ?? 'census'}`);
  return d.ddev;
}

/** The c-revocable discipline's consumer of the BAR's provider (made on first use). */
function cRevOf(d) {
  if (d.crev === undefined) d.crev = revocableAlloc(revocableProviderAlloc(d.pdev.kernel, d.io, 'census BAR0'));
  return d.crev;
}
