/**
 * The revocable discipline (Rust-for-Linux style): BAR0 lives in a
 * `Devres<IoMem>`, and every hot path asks `tryAccess()` first. Unbind
 * revokes (waiting for readers and a grace period) and then unmaps. The
 * timer and the work are "dropped" with the driver data: a devm action
 * cancels them, as dropping Rust's `HrTimer`/work handles does.
 *
 * What the checks do not protect is the code: a timer left armed past
 * module unload calls freed text whatever its data access looks like
 * (bug 10, `revocableTimer: 'leaked'`).
 */
import { type BoundDevice, Devres, devmAddAction, type Owner, tryModuleGetOwner } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  HRTIMER_MODE_REL,
  HRTIMER_RESTART,
  HrTimer,
  type HrtimerRestart,
  hrtimerCancel,
  hrtimerForwardNow,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { devmMiscRegister } from '@quiesce/miscdev';
import type { Module } from '@quiesce/module-loader';
import {
  devmRequestIrq,
  dmaBitMask,
  dmamAllocCoherent,
  dmaSetMaskAndCoherent,
  IRQ_NONE,
  PCI_IRQ_INTX,
  PCI_IRQ_MSI,
  type PciDev,
  type PciDriver,
  pciAllocIrqVectors,
  pciIrqVector,
  pcimEnableDevice,
  pcimIomapRegion,
  pciSetMaster,
} from '@quiesce/pci-emu';
import { allocDelayedWork, cancelDelayedWorkSync, initDelayedWork, systemWq } from '@quiesce/workqueue';
import { claimText, EDU_ID_TABLE, eduMisc, newPriv } from './common.js';
import { eduIoctlWith, eduIrqWith, eduPollWith, eduWorkWith } from './logic.js';
import type { EduOptions } from './options.js';
import type { EduPriv } from './priv.js';

export function revocableDriver(mod: Module, opts: EduOptions = {}): PciDriver {
  const name = opts.name ?? 'edu';
  return {
    name,
    owner: mod,
    idTable: EDU_ID_TABLE,
    async probe(pdev: PciDev, _id, _bound: BoundDevice): Promise<void> {
      const k = pdev.kernel;
      if (opts.unbindMode !== undefined) pdev.unbindMode = opts.unbindMode;
      pcimEnableDevice(pdev);
      pciSetMaster(pdev);
      const priv = newPriv(k, pdev, mod, 'revocable', opts);
      pdev.driverData = priv;
      const bar = new Devres(pdev, pcimIomapRegion(pdev, 0, name), `${name} BAR0`);
      priv.bar = bar;
      priv.enter = () => bar.tryAccess();
      dmaSetMaskAndCoherent(pdev, dmaBitMask(28));
      priv.dma = dmamAllocCoherent(pdev, 4096);

      priv.wq = systemWq(k);
      const work = allocDelayedWork(k);
      priv.work = initDelayedWork(work, revocableWork(priv), mod);
      const timer = new HrTimer();
      priv.timer = hrtimerSetup(k, timer, revocablePoll(priv), CLOCK_MONOTONIC, HRTIMER_MODE_REL, mod, {
        callbackSpanNs: opts.callbackSpanNs ?? 0,
      });
      if (opts.revocableTimer !== 'leaked') {
        // Dropping the driver data drops the handles: cancel both.
        devmAddAction(
          pdev,
          async function eduDropHandles(p: EduPriv) {
            await hrtimerCancel(timer);
            if (p.work !== null) await cancelDelayedWorkSync(p.work);
          },
          priv,
        );
      } else if (opts.pinModule === true) {
        // The honest fix when the timer must outlive the binding: keep the text.
        pinOwner(mod);
      }

      if (pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX) < 1) throw new Error('edu: no IRQ vector');
      priv.irq = pciIrqVector(pdev, 0);
      const handler = revocableIrq(priv);
      claimText(priv, handler);
      await devmRequestIrq(pdev, priv.irq, handler, 0, name, priv, mod);

      priv.misc = eduMisc(priv, opts, 'kernel', (cmd, arg) => eduIoctlWith(priv, priv.enter, cmd, arg));
      await devmMiscRegister(pdev, priv.misc);
      hrtimerStart(timer, priv.pollPeriodNs, HRTIMER_MODE_REL);
    },
  };
}

function pinOwner(owner: Owner): void {
  if (!tryModuleGetOwner(owner)) throw new Error('edu: module going away');
}

function revocablePoll(priv: EduPriv) {
  const eduPoll = (t: HrTimer): HrtimerRestart => {
    const bar = priv.enter();
    // Data guarded: after unbind the poll finds nothing and keeps waiting for a rebind.
    if (bar === null) {
      hrtimerForwardNow(t, priv.pollPeriodNs);
      return HRTIMER_RESTART;
    }
    return eduPollWith(priv, bar, t);
  };
  claimText(priv, eduPoll);
  return eduPoll;
}

function revocableIrq(priv: EduPriv) {
  return function eduIrq(): number {
    const bar = priv.enter();
    if (bar === null) return IRQ_NONE;
    return eduIrqWith(priv, bar);
  };
}

function revocableWork(priv: EduPriv) {
  const eduWork = async (): Promise<void> => {
    await priv.lock.lock();
    try {
      await eduWorkWith(priv, priv.enter);
    } finally {
      priv.lock.unlock();
    }
  };
  claimText(priv, eduWork);
  return eduWork;
}
