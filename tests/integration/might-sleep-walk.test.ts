// The may-sleep walk (issue 14 item 3): every exported API of pci-emu,
// workqueue and hrtimer is classified as sleeping or not; each sleeping one
// is called from hardirq, softirq and spinlock-held context and must file
// `sleep-in-atomic` whether or not it would block this time. A new export
// that is in neither table fails the classification test.
import { Kernel, mightSleepNames, SpinLock } from '@quiesce/core-devres';
import * as hr from '@quiesce/hrtimer';
import * as pci from '@quiesce/pci-emu';
import * as wqm from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';

interface World {
  k: Kernel;
  pdev: pci.PciDev;
  wq: wqm.Workqueue;
  work: wqm.WorkStruct;
  dwork: wqm.DelayedWork;
  timer: hr.HrTimer;
}

type Call = (w: World) => unknown;
const noop = async (): Promise<void> => undefined;
const irqNone = (): number => 0;

/** The kernel functions documented "may sleep", with one call each. */
const SLEEPING: Record<string, Record<string, Call>> = {
  'pci-emu': {
    dmaAllocCoherent: (w) => pci.dmaAllocCoherent(w.pdev, 4096),
    dmamAllocCoherent: (w) => pci.dmamAllocCoherent(w.pdev, 4096),
    pciIomap: (w) => pci.pciIomap(w.pdev, 0, 0),
    pciIomapRange: (w) => pci.pciIomapRange(w.pdev, 0, 0, 0),
    pcimIomap: (w) => pci.pcimIomap(w.pdev, 0, 0),
    pcimIomapRegion: (w) => pci.pcimIomapRegion(w.pdev, 0, 'walk'),
    pciEnableDevice: (w) => pci.pciEnableDevice(w.pdev),
    pciDisableDevice: (w) => pci.pciDisableDevice(w.pdev),
    pcimEnableDevice: (w) => pci.pcimEnableDevice(w.pdev),
    pciSetMaster: (w) => pci.pciSetMaster(w.pdev),
    pciClearMaster: (w) => pci.pciClearMaster(w.pdev),
    pciAllocIrqVectors: (w) => pci.pciAllocIrqVectors(w.pdev, 1, 1, pci.PCI_IRQ_INTX),
    pciFreeIrqVectors: (w) => pci.pciFreeIrqVectors(w.pdev),
    requestIrq: (w) => pci.requestIrq(w.k, w.pdev.irq, irqNone, pci.IRQF_SHARED, 'walk', w, null),
    requestThreadedIrq: (w) => pci.requestThreadedIrq(w.k, w.pdev.irq, irqNone, null, pci.IRQF_SHARED, 'walk', w, null),
    devmRequestIrq: (w) => pci.devmRequestIrq(w.pdev, w.pdev.irq, irqNone, pci.IRQF_SHARED, 'walk', w, null),
    devmRequestThreadedIrq: (w) =>
      pci.devmRequestThreadedIrq(w.pdev, w.pdev.irq, irqNone, null, pci.IRQF_SHARED, 'walk', w, null),
    freeIrq: (w) => pci.freeIrq(w.k, w.pdev.irq, w),
    synchronizeIrq: (w) => pci.synchronizeIrq(w.k, w.pdev.irq),
    disableIrq: (w) => pci.disableIrq(w.k, w.pdev.irq),
    pciRegisterDriver: (w) => pci.pciRegisterDriver(w.k, { name: 'walk', owner: null, idTable: [], probe: noop }),
  },
  workqueue: {
    allocWorkqueue: (w) => wqm.allocWorkqueue(w.k, 'walk'),
    allocOrderedWorkqueue: (w) => wqm.allocOrderedWorkqueue(w.k, 'walk'),
    devmAllocWorkqueue: (w) => wqm.devmAllocWorkqueue(w.pdev, 'walk'),
    workqueueSetMaxActive: (w) => wqm.workqueueSetMaxActive(w.wq, 4),
    flushWork: (w) => wqm.flushWork(w.work),
    cancelWorkSync: (w) => wqm.cancelWorkSync(w.work),
    disableWorkSync: (w) => wqm.disableWorkSync(w.work),
    flushDelayedWork: (w) => wqm.flushDelayedWork(w.dwork),
    cancelDelayedWorkSync: (w) => wqm.cancelDelayedWorkSync(w.dwork),
    disableDelayedWorkSync: (w) => wqm.disableDelayedWorkSync(w.dwork),
    flushWorkqueue: (w) => wqm.flushWorkqueue(w.wq),
    drainWorkqueue: (w) => wqm.drainWorkqueue(w.wq),
    destroyWorkqueue: (w) => wqm.destroyWorkqueue(w.wq),
  },
  hrtimer: {
    hrtimerCancel: (w) => hr.hrtimerCancel(w.timer),
  },
};

/** Exports that never sleep (atomic-safe in the kernel), or that are not kernel APIs (types, constants, test helpers). */
const NOT_SLEEPING: Record<string, readonly string[]> = {
  'pci-emu': [
    'disableIrqNosync',
    'dmaBitMask',
    'dmaFreeCoherent',
    'dmaSetMaskAndCoherent',
    'eduFactorial',
    'enableIrq',
    'irqDefaultPrimaryHandler',
    'irqOccupy',
    'irqTable',
    'pciAddDevice',
    'pciBarIndexIsValid',
    'pciBus',
    'pciIntx',
    'pciIounmap',
    'pciIrqVector',
    'pciMatchId',
    'pciMsiVecCount',
    'pciReadConfigByte',
    'pciReadConfigDword',
    'pciReadConfigWord',
    'pciReleaseRegion',
    'pciReleaseRegions',
    'pciReleaseSelectedRegions',
    'pciRemoveDevice',
    'pciRequestRegion',
    'pciRequestRegions',
    'pciRequestSelectedRegions',
    'pciResourceLen',
    'pciResourceStart',
    'pciSurpriseRemove',
    'pciUnregisterDriver',
    'pciWriteConfigByte',
    'pciWriteConfigDword',
    'pciWriteConfigWord',
    'pcibiosErrToErrno',
    'pcimIounmap',
    'pcimIounmapRegion',
    'pcimPinDevice',
    'pcimReleaseRegion',
    'pcimRequestRegion',
    'systemRam',
  ],
  workqueue: [
    'allocDelayedWork',
    'allocWork',
    'cancelDelayedWork',
    'cancelWork',
    'delayedWorkPending',

    'devmDelayedWorkInit',
    'devmWorkInit',
    'disableDelayedWork',
    'disableWork',
    'enableDelayedWork',
    'enableWork',
    'initDelayedWork',
    'initWork',
    'modDelayedWork',
    'modDelayedWorkOn',
    'pools',
    'queueDelayedWork',
    'queueDelayedWorkOn',
    'queueWork',
    'queueWorkOn',
    'scheduleDelayedWork',
    'scheduleWork',
    'systemUnboundWq',
    'systemWq',
    'workBusy',
    'workDisableCount',
    'workPending',
    'workRunning',
    'workqueueInFlight',
    'wqClampMaxActive',
  ],
  hrtimer: [
    'devmHrtimerSetup',
    'hrtimerActive',
    'hrtimerAddExpiresNs',
    'hrtimerCallbackRunning',
    'hrtimerCbGetTime',
    'hrtimerClockBase',
    'hrtimerForward',
    'hrtimerForwardNow',
    'hrtimerGetExpires',
    'hrtimerGetRemaining',
    'hrtimerGetSoftexpires',
    'hrtimerIsQueued',
    'hrtimerSetExpires',
    'hrtimerSetExpiresRangeNs',
    'hrtimerSetup',
    'hrtimerStart',
    'hrtimerStartExpires',
    'hrtimerStartRangeNs',
    'hrtimerState',
    'hrtimerTryToCancel',
    'ktimeAddSafe',
  ],
};

const MODULES: Record<string, Record<string, unknown>> = { 'pci-emu': pci, workqueue: wqm, hrtimer: hr };

/** Exported functions (lower-case first letter: classes and enums are not calls). */
function exportedFunctions(m: Record<string, unknown>): string[] {
  return Object.entries(m)
    .filter(([n, v]) => typeof v === 'function' && /^[a-z_]/.test(n))
    .map(([n]) => n)
    .sort();
}

async function world(): Promise<World> {
  const k = new Kernel({ cpus: 2 });
  const pdev = await k.exec('plug', () => pci.pciAddDevice(k, new pci.EduDevice()));
  const wq = wqm.allocWorkqueue(k, 'walk_wq') as wqm.Workqueue;
  const work = wqm.initWork(wqm.allocWork(k), noop);
  const dwork = wqm.initDelayedWork(wqm.allocDelayedWork(k), noop);
  const timer = hr.hrtimerSetup(
    k,
    new hr.HrTimer(),
    () => hr.HRTIMER_NORESTART,
    hr.CLOCK_MONOTONIC,
    hr.HRTIMER_MODE_REL,
    null,
  );
  return { k, pdev, wq, work, dwork, timer };
}

type Ctx = 'hardirq' | 'softirq' | 'spinlock';

/** Calls `call` in context `ctx` inside a task; returns the new sleep-in-atomic reports. */
async function callIn(w: World, ctx: Ctx, call: Call): Promise<number> {
  const before = w.k.reports.filter((r) => r.kind === 'sleep-in-atomic').length;
  await w.k.exec('walk', async () => {
    let out: unknown;
    const run = (): void => {
      try {
        out = call(w);
      } catch {
        // The API may also refuse (e.g. -EBUSY); only the context check is under test.
      }
    };
    if (ctx === 'spinlock') {
      const l = new SpinLock(w.k, 'walk_lock');
      l.lock();
      run();
      l.unlock();
    } else {
      w.k.runAtomic(ctx, 0, `walk ${ctx}`, run);
    }
    if (out instanceof Promise) await out.catch(() => undefined);
  });
  return w.k.reports.filter((r) => r.kind === 'sleep-in-atomic').length - before;
}

describe('might_sleep walk', () => {
  for (const [pkg, m] of Object.entries(MODULES)) {
    it(`${pkg}: every exported function is classified sleeping or not`, () => {
      const classified = new Set([...Object.keys(SLEEPING[pkg] ?? {}), ...(NOT_SLEEPING[pkg] ?? [])]);
      expect(exportedFunctions(m).filter((n) => !classified.has(n))).toEqual([]);
      expect([...classified].filter((n) => typeof m[n] !== 'function')).toEqual([]);
    });
    for (const [name, call] of Object.entries(SLEEPING[pkg] ?? {})) {
      it(`${pkg}.${name} reports sleep-in-atomic from hardirq, softirq and under a spinlock`, async () => {
        for (const ctx of ['hardirq', 'softirq', 'spinlock'] as const) {
          const w = await world();
          // At least one: a sleeping API built on another (dmam_ on dma_) may report twice.
          expect({ ctx, reported: (await callIn(w, ctx, call)) > 0 }).toEqual({ ctx, reported: true });
        }
      });
    }
  }

  it('the annotation registry names the kernel functions annotated with mightSleep()', () => {
    expect([...mightSleepNames()]).toEqual(expect.arrayContaining(['dma_alloc_coherent', 'pci_enable_device']));
  });
});
