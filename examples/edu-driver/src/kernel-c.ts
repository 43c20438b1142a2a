/**
 * The kernel-C discipline: nothing devm-managed; a hand-written remove() in
 * the order a careful C driver uses. The hot paths touch BAR0 with no check,
 * which is only safe because remove() stops every user before `iounmap`:
 * drop or reorder one step and the bug catalogue of docs/design.md §6 appears.
 */
import { type BoundDevice, KernelError, msleep } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  HRTIMER_MODE_REL,
  HrTimer,
  hrtimerCancel,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { miscDeregister, miscRegister } from '@quiesce/miscdev';
import type { Module } from '@quiesce/module-loader';
import {
  dmaAllocCoherent,
  dmaBitMask,
  dmaFreeCoherent,
  dmaSetMaskAndCoherent,
  EDU_REG_STATUS,
  freeIrq,
  type IoMem,
  PCI_IRQ_INTX,
  PCI_IRQ_MSI,
  type PciDev,
  type PciDriver,
  pciAllocIrqVectors,
  pciDisableDevice,
  pciEnableDevice,
  pciFreeIrqVectors,
  pciIomap,
  pciIounmap,
  pciIrqVector,
  pciReleaseRegions,
  pciRequestRegions,
  pciSetMaster,
  requestIrq,
} from '@quiesce/pci-emu';
import {
  allocDelayedWork,
  cancelDelayedWork,
  cancelDelayedWorkSync,
  initDelayedWork,
  systemWq,
} from '@quiesce/workqueue';
import { direct, directCallbacks, EDU_ID_TABLE, eduMisc, newPriv } from './common.js';
import { eduIoctlWith } from './logic.js';
import {
  CANCEL_ORDER_REMOVE,
  CAREFUL_REMOVE,
  type EduOptions,
  IRQ_AFTER_UNMAP_REMOVE,
  type RemoveStep,
} from './options.js';
import type { EduPriv } from './priv.js';

export function kernelCDriver(mod: Module, opts: EduOptions = {}): PciDriver {
  const name = opts.name ?? 'edu';
  return {
    name,
    owner: mod,
    idTable: EDU_ID_TABLE,
    async probe(pdev: PciDev, _id, _bound: BoundDevice): Promise<void> {
      const k = pdev.kernel;
      if (opts.unbindMode !== undefined) pdev.unbindMode = opts.unbindMode;
      pciEnableDevice(pdev);
      const priv = newPriv(k, pdev, mod, 'kernel', opts);
      try {
        pciRequestRegions(pdev, name);
      } catch (e) {
        pciDisableDevice(pdev);
        throw e;
      }
      const io = pciIomap(pdev, 0, 0);
      if (io === null) {
        pciReleaseRegions(pdev);
        pciDisableDevice(pdev);
        throw new KernelError('ENOMEM', 'edu: pci_iomap failed');
      }
      priv.io = io;
      priv.enter = direct(io);
      pciSetMaster(pdev);
      dmaSetMaskAndCoherent(pdev, dmaBitMask(28));
      priv.dma = dmaAllocCoherent(pdev, 4096);
      pdev.driverData = priv;

      priv.wq = systemWq(k);
      const cb = directCallbacks(priv);
      priv.work = initDelayedWork(allocDelayedWork(k), cb.eduWork, mod);
      priv.timer = hrtimerSetup(k, new HrTimer(), cb.eduPoll, CLOCK_MONOTONIC, HRTIMER_MODE_REL, mod, {
        callbackSpanNs: opts.callbackSpanNs ?? 0,
      });
      if (pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX) < 1) throw new Error('edu: no IRQ vector');
      priv.irq = pciIrqVector(pdev, 0);
      await requestIrq(k, priv.irq, cb.eduIrq, 0, name, priv, mod);
      priv.misc = eduMisc(priv, opts, 'kernel', (cmd, arg) => kernelIoctl(priv, cmd, arg));
      await miscRegister(k, priv.misc);
      hrtimerStart(priv.timer, priv.pollPeriodNs, HRTIMER_MODE_REL);
    },
    async remove(pdev: PciDev): Promise<void> {
      const priv = pdev.driverData as EduPriv;
      for (const step of removeStepsFor(opts)) await removeStep(priv, step);
    },
  };
}

/** remove()'s steps: the explicit list, else the careful order with the mistake written in. */
function removeStepsFor(opts: EduOptions): readonly RemoveStep[] {
  if (opts.removeSteps !== undefined) return opts.removeSteps;
  switch (opts.mistake) {
    case 'work-not-stopped':
      return CAREFUL_REMOVE.filter((s) => s !== 'cancel_work_sync');
    case 'timer-not-stopped':
      return CAREFUL_REMOVE.filter((s) => s !== 'hrtimer_cancel');
    case 'work-cancel-nosync':
      return CAREFUL_REMOVE.map((s) => (s === 'cancel_work_sync' ? 'cancel_work' : s));
    case 'work-cancelled-before-timer':
      return CANCEL_ORDER_REMOVE;
    case 'irq-before-map':
      return IRQ_AFTER_UNMAP_REMOVE;
    case 'ioctl-unguarded':
      return CAREFUL_REMOVE.filter((s) => s !== 'fence_ioctls');
    default:
      // work-before-map has no kernel-C form: nothing is devm-registered.
      return CAREFUL_REMOVE;
  }
}

/** One step of remove(); the order is the driver's (and the bug's). */
async function removeStep(priv: EduPriv, step: RemoveStep): Promise<void> {
  const { k, pdev } = priv;
  switch (step) {
    case 'misc_deregister':
      if (priv.misc !== null) await miscDeregister(priv.misc);
      return;
    case 'fence_ioctls':
      // Every ioctl holds ioctlLock: taking it waits for the one in flight, and
      // `removed` makes the ones after it fail (open files outlive deregister).
      await priv.ioctlLock.lock();
      priv.removed = true;
      priv.ioctlLock.unlock();
      return;
    case 'quiesce':
      // Mask the factorial interrupt and let in-flight device work settle.
      (priv.io as IoMem).writel(0, EDU_REG_STATUS);
      await msleep(k, 1);
      return;
    case 'settle':
      // Give the device a moment to go idle (touches nothing).
      await msleep(k, 1);
      return;
    case 'hrtimer_cancel':
      if (priv.timer !== null) await hrtimerCancel(priv.timer);
      return;
    case 'free_irq':
      await freeIrq(k, priv.irq, priv);
      return;
    case 'cancel_work_sync':
      if (priv.work !== null) await cancelDelayedWorkSync(priv.work);
      return;
    case 'cancel_work':
      if (priv.work !== null) cancelDelayedWork(priv.work);
      return;
    case 'dma_free':
      if (priv.dma !== null) dmaFreeCoherent(pdev, priv.dma);
      priv.dma = null;
      return;
    case 'iounmap':
      if (priv.io !== null) pciIounmap(pdev, priv.io);
      return;
    case 'release_regions':
      pciReleaseRegions(pdev);
      return;
    case 'free_irq_vectors':
      pciFreeIrqVectors(pdev);
      return;
    case 'disable_device':
      pciDisableDevice(pdev);
      return;
  }
}

/** The C idiom: serialise against remove() and refuse once it has run. */
async function kernelIoctl(priv: EduPriv, cmd: number, arg: number): Promise<number> {
  await priv.ioctlLock.lock();
  try {
    if (priv.removed) throw new KernelError('ENODEV', 'edu: removed');
    return await eduIoctlWith(priv, priv.enter, cmd, arg);
  } finally {
    priv.ioctlLock.unlock();
  }
}
