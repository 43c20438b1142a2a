/**
 * The probe the guarded disciplines share (revocable, srcu-device,
 * c-revocable): every hot path asks its guard whether the device is still
 * there before it touches BAR0, so the timer and the work may be plain
 * kernel objects, dropped (cancelled) by one devm action, and the misc
 * device deregisters in the kernel's way (open files stay open and go
 * through the guard). What differs is the guard, given as a {@link Guard}.
 */
import { type BoundDevice, KernelError } from '@quiesce/core-devres';
import { HRTIMER_MODE_REL, HRTIMER_NORESTART, type HrTimer, type HrtimerRestart, hrtimerStart } from '@quiesce/hrtimer';
import { devmMiscRegister, type File } from '@quiesce/miscdev';
import type { Module } from '@quiesce/module-loader';
import {
  devmRequestIrq,
  dmaBitMask,
  dmamAllocCoherent,
  dmaSetMaskAndCoherent,
  type IoMem,
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
import { allocDelayedWork, initDelayedWork, systemWq } from '@quiesce/workqueue';
import { claimText, EDU_ID_TABLE, eduMisc, newPriv } from './common.js';
import { devmDropHandles, plainEduTimer } from './handles.js';
import { devmOrder, type EduOptions, type FencedStep } from './options.js';
import type { Discipline, EduPriv } from './priv.js';

/** The guard of one discipline, built once the mapping exists. */
export interface Guard {
  /** The poll timer callback. Context: hardirq. */
  poll(t: HrTimer): HrtimerRestart;
  /** The interrupt handler. Context: hardirq. */
  irq(): number;
  /** The completion work. Context: process, may sleep. */
  work(): Promise<void>;
  /** `unlocked_ioctl`. Context: process, may sleep. */
  ioctl(cmd: number, arg: number): Promise<number>;
  /** The misc device's `open`, if the discipline needs one. */
  open?: (file: File) => Promise<void>;
}

/** What a guarded discipline supplies. */
export interface GuardedSpec {
  discipline: Discipline;
  /** Wraps the fresh mapping (a Devres, a provider, a DRM device) and returns the guard. Context: probe. */
  guard(priv: EduPriv, io: IoMem): Guard;
  /** The driver's remove(), if any (srcu-device: drm_dev_unplug). */
  remove?(priv: EduPriv): Promise<void>;
  /** Skip the drop action (revocable's `revocableTimer: 'leaked'`). */
  leakHandles?: boolean;
  /** Runs at the end of probe (revocable's `pinModule`). */
  afterProbe?(priv: EduPriv): void;
}

/** A guarded edu driver. */
export function guardedDriver(mod: Module, opts: EduOptions, spec: GuardedSpec): PciDriver {
  const name = opts.name ?? 'edu';
  const drv: PciDriver = {
    name,
    owner: mod,
    idTable: EDU_ID_TABLE,
    async probe(pdev: PciDev, _id, _bound: BoundDevice): Promise<void> {
      if (opts.unbindMode !== undefined) pdev.unbindMode = opts.unbindMode;
      pcimEnableDevice(pdev);
      pciSetMaster(pdev);
      const priv = newPriv(pdev.kernel, pdev, mod, spec.discipline, opts);
      pdev.driverData = priv;
      // Until the mapping exists (a mistake may set up the IRQ or the work first), nothing is there.
      let guard: Guard = {
        poll: () => HRTIMER_NORESTART,
        irq: () => IRQ_NONE,
        work: async () => undefined,
        ioctl: async () => {
          throw new KernelError('ENODEV', 'edu: not mapped yet');
        },
      };
      const late: Guard = {
        poll: (t) => guard.poll(t),
        irq: () => guard.irq(),
        work: () => guard.work(),
        ioctl: (c, a) => guard.ioctl(c, a),
      };
      for (const step of devmOrder(opts)) {
        if (step === 'iomap') guard = spec.guard(priv, pcimIomapRegion(pdev, 0, name));
        else await guardedStep(priv, step, step === 'misc' ? guard : late, opts, spec);
      }
      if (priv.timer !== null) hrtimerStart(priv.timer, priv.pollPeriodNs, HRTIMER_MODE_REL);
      spec.afterProbe?.(priv);
    },
  };
  const remove = spec.remove;
  if (remove !== undefined) drv.remove = (pdev: PciDev) => remove(pdev.driverData as EduPriv);
  return drv;
}

/** One acquisition after the mapping (or before it, when the mistake says so). */
async function guardedStep(priv: EduPriv, step: FencedStep, g: Guard, opts: EduOptions, spec: GuardedSpec) {
  const { pdev, mod, k } = priv;
  const name = opts.name ?? 'edu';
  switch (step) {
    case 'dma':
      dmaSetMaskAndCoherent(pdev, dmaBitMask(28));
      priv.dma = dmamAllocCoherent(pdev, 4096);
      return;
    case 'work': {
      const eduWork = () => g.work();
      claimText(priv, eduWork);
      priv.wq = systemWq(k);
      priv.work = initDelayedWork(allocDelayedWork(k), eduWork, mod);
      if (spec.leakHandles !== true) devmDropHandles(pdev, priv, opts);
      return;
    }
    case 'timer': {
      const eduPoll = (t: HrTimer) => g.poll(t);
      claimText(priv, eduPoll);
      priv.timer = plainEduTimer(k, eduPoll, mod, opts);
      return;
    }
    case 'irq': {
      if (pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX) < 1) throw new Error('edu: no IRQ vector');
      priv.irq = pciIrqVector(pdev, 0);
      const eduIrq = function eduIrq(): number {
        return g.irq();
      };
      claimText(priv, eduIrq);
      await devmRequestIrq(pdev, priv.irq, eduIrq, 0, name, priv, mod);
      return;
    }
    case 'misc':
      priv.misc = eduMisc(priv, opts, 'kernel', (cmd, arg) => g.ioctl(cmd, arg), g.open);
      await devmMiscRegister(pdev, priv.misc);
      return;
  }
}
