/**
 * The fenced discipline: every resource is devm-managed under the
 * two-phase contract (all fences, then all releases), so the hot paths touch
 * BAR0 with no check at all: when unbind frees the mapping, nothing that
 * could touch it is running, queued or armed.
 */
import type { BoundDevice } from '@quiesce/core-devres';
import { CLOCK_MONOTONIC, devmHrtimerSetup, HRTIMER_MODE_REL, HrTimer, hrtimerStart } from '@quiesce/hrtimer';
import { devmMiscRegister } from '@quiesce/miscdev';
import type { Module } from '@quiesce/module-loader';
import {
  devmRequestIrq,
  dmaBitMask,
  dmamAllocCoherent,
  dmaSetMaskAndCoherent,
  type IoMem,
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
import { allocDelayedWork, devmDelayedWorkInit, systemWq } from '@quiesce/workqueue';
import { direct, directCallbacks, EDU_ID_TABLE, eduMisc, newPriv } from './common.js';
import { eduIoctlWith } from './logic.js';
import { type EduOptions, FENCED_ORDER } from './options.js';

export function fencedDriver(mod: Module, opts: EduOptions = {}): PciDriver {
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
      const priv = newPriv(k, pdev, mod, 'fenced', opts);
      pdev.driverData = priv;
      let io: IoMem | null = null;
      const cb = directCallbacks(priv);
      for (const step of opts.fencedOrder ?? FENCED_ORDER) {
        switch (step) {
          case 'iomap':
            io = pcimIomapRegion(pdev, 0, name);
            priv.io = io;
            // No check on the hot path: the fence guarantees the mapping outlives every user.
            priv.enter = direct(io);
            break;
          case 'dma':
            dmaSetMaskAndCoherent(pdev, dmaBitMask(28));
            priv.dma = dmamAllocCoherent(pdev, 4096);
            break;
          case 'work':
            priv.wq = systemWq(k);
            priv.work = devmDelayedWorkInit(pdev, allocDelayedWork(k), cb.eduWork, mod);
            break;
          case 'timer':
            priv.timer = devmHrtimerSetup(pdev, new HrTimer(), cb.eduPoll, CLOCK_MONOTONIC, HRTIMER_MODE_REL, mod, {
              callbackSpanNs: opts.callbackSpanNs ?? 0,
            });
            break;
          case 'irq': {
            if (pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX) < 1) throw new Error('edu: no IRQ vector');
            priv.irq = pciIrqVector(pdev, 0);
            await devmRequestIrq(pdev, priv.irq, cb.eduIrq, 0, name, priv, mod);
            break;
          }
          case 'misc':
            priv.misc = eduMisc(priv, opts, 'fenced', (cmd, arg) => eduIoctlWith(priv, priv.enter, cmd, arg));
            await devmMiscRegister(pdev, priv.misc);
            break;
        }
      }
      if (io === null) throw new Error('edu: fencedOrder without iomap');
      if (priv.timer !== null) hrtimerStart(priv.timer, priv.pollPeriodNs, HRTIMER_MODE_REL);
    },
  };
}
