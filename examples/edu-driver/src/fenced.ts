/**
 * The fenced discipline: every resource is devm-managed under the
 * two-phase contract (all fences, then all releases), so the hot paths touch
 * BAR0 with no check at all: when unbind frees the mapping, nothing that
 * could touch it is running, queued or armed. At run time this is also what
 * Rust-for-Linux's `pci::Bar<'bound>` plus scoped registrations compile to
 * (docs/disciplines.md).
 *
 * The devres-access discipline (devres-access.ts) is the same driver with
 * BAR0 behind a `Devres` reached by `Devres.access(bound)`.
 */
import { type BoundDevice, Devres } from '@quiesce/core-devres';
import { HRTIMER_MODE_REL, hrtimerStart } from '@quiesce/hrtimer';
import { devmMiscRegister } from '@quiesce/miscdev';
import type { Module } from '@quiesce/module-loader';
import {
  devmRequestIrq,
  dmaBitMask,
  dmamAllocCoherent,
  dmaSetMaskAndCoherent,
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
import { systemWq } from '@quiesce/workqueue';
import { type DirectCallbacks, direct, directCallbacks, EDU_ID_TABLE, eduMisc, newPriv } from './common.js';
import { devmEduTimer, devmEduWork } from './handles.js';
import { eduIoctlWith } from './logic.js';
import { devmOrder, type EduOptions, type FencedStep } from './options.js';
import type { EduPriv } from './priv.js';

/** The fenced edu driver. */
export function fencedDriver(mod: Module, opts: EduOptions = {}): PciDriver {
  return devmEduDriver(mod, opts, 'fenced');
}

/** @internal The devm-based driver: `fenced` (IoMem itself) or `devres-access` (Devres + bound proof). */
export function devmEduDriver(mod: Module, opts: EduOptions, discipline: 'fenced' | 'devres-access'): PciDriver {
  const name = opts.name ?? 'edu';
  return {
    name,
    owner: mod,
    idTable: EDU_ID_TABLE,
    async probe(pdev: PciDev, _id, bound: BoundDevice): Promise<void> {
      const k = pdev.kernel;
      if (opts.unbindMode !== undefined) pdev.unbindMode = opts.unbindMode;
      pcimEnableDevice(pdev);
      pciSetMaster(pdev);
      const priv = newPriv(k, pdev, mod, discipline, opts);
      pdev.driverData = priv;
      const cb = directCallbacks(priv);
      for (const step of devmOrder(opts)) await devmStep(priv, step, cb, opts, bound);
      if (priv.io === null) throw new Error('edu: fencedOrder without iomap');
      if (priv.timer !== null) hrtimerStart(priv.timer, priv.pollPeriodNs, HRTIMER_MODE_REL);
    },
  };
}

/** One devm acquisition of probe, in the order the options give. */
async function devmStep(
  priv: EduPriv,
  step: FencedStep,
  cb: DirectCallbacks,
  opts: EduOptions,
  bound: BoundDevice,
): Promise<void> {
  const { pdev, mod } = priv;
  const name = opts.name ?? 'edu';
  switch (step) {
    case 'iomap': {
      const io = pcimIomapRegion(pdev, 0, name);
      priv.io = io;
      if (priv.discipline === 'devres-access') {
        // Proof of binding, no flag: the fences guarantee no hot path outlives the binding.
        const bar = new Devres(pdev, io, `${name} BAR0`);
        priv.bar = bar;
        priv.bound = bound;
        priv.enter = () => bar.access(priv.bound as BoundDevice);
      } else {
        // No check on the hot path: the fence guarantees the mapping outlives every user.
        priv.enter = direct(io);
      }
      return;
    }
    case 'dma':
      dmaSetMaskAndCoherent(pdev, dmaBitMask(28));
      priv.dma = dmamAllocCoherent(pdev, 4096);
      return;
    case 'work':
      priv.wq = systemWq(priv.k);
      priv.work = devmEduWork(pdev, cb.eduWork, mod, opts);
      return;
    case 'timer':
      priv.timer = devmEduTimer(pdev, cb.eduPoll, mod, opts);
      return;
    case 'irq':
      if (pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX) < 1) throw new Error('edu: no IRQ vector');
      priv.irq = pciIrqVector(pdev, 0);
      await devmRequestIrq(pdev, priv.irq, cb.eduIrq, 0, name, priv, mod);
      return;
    case 'misc':
      priv.misc = eduMisc(priv, opts, opts.mistake === 'ioctl-unguarded' ? 'kernel' : 'fenced', (cmd, arg) =>
        eduIoctlWith(priv, priv.enter, cmd, arg),
      );
      await devmMiscRegister(pdev, priv.misc);
      return;
  }
}
