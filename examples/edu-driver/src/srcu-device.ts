/**
 * The srcu-device discipline: DRM's `drm_dev_enter()` / `drm_dev_exit()` /
 * `drm_dev_unplug()`. Every hot path runs inside a `drm_dev_enter()` section
 * of the kernel's one `drm_unplug_srcu` domain and does nothing once the
 * device is unplugged; `remove()` calls `drm_dev_unplug()`: the flag, then
 * one `synchronize_srcu()` for the whole device, however many timers, works,
 * interrupts and open files it has. Then devres drops the timer and the
 * work, frees the IRQ and unmaps, as in the revocable discipline.
 */
import { drmDevAlloc, drmDevEnter, drmDevExit, drmDevUnplug, KernelError } from '@quiesce/core-devres';
import type { Module } from '@quiesce/module-loader';
import { type IoMem, IRQ_NONE, type PciDriver } from '@quiesce/pci-emu';
import { type Guard, guardedDriver } from './guarded.js';
import { eduIoctlWith, eduIrqWith, eduPollWith, eduWorkWith } from './logic.js';
import type { EduOptions } from './options.js';
import type { EduPriv } from './priv.js';
import { idlePoll } from './revocable.js';

/** The srcu-device edu driver. */
export function srcuDeviceDriver(mod: Module, opts: EduOptions = {}): PciDriver {
  return guardedDriver(mod, opts, {
    discipline: 'srcu-device',
    guard: (priv, io) => srcuGuard(priv, io, opts),
    async remove(priv) {
      if (priv.ddev !== null) await drmDevUnplug(priv.ddev);
    },
  });
}

function srcuGuard(priv: EduPriv, io: IoMem, opts: EduOptions): Guard {
  const ddev = drmDevAlloc(priv.pdev, opts.name ?? 'edu');
  priv.io = io;
  priv.ddev = ddev;
  priv.enter = () => (ddev.unplugged ? null : io);
  const bar = () => io;
  return {
    poll(t) {
      const idx = drmDevEnter(ddev);
      if (idx < 0) return idlePoll(priv, t);
      try {
        return eduPollWith(priv, io, t);
      } finally {
        drmDevExit(ddev, idx);
      }
    },
    irq() {
      const idx = drmDevEnter(ddev);
      if (idx < 0) return IRQ_NONE;
      try {
        return eduIrqWith(priv, io);
      } finally {
        drmDevExit(ddev, idx);
      }
    },
    async work() {
      await priv.lock.lock();
      const idx = drmDevEnter(ddev);
      try {
        // The section may sleep (SRCU): the mapping stays valid across the work's sleep.
        if (idx >= 0) await eduWorkWith(priv, bar);
      } finally {
        if (idx >= 0) drmDevExit(ddev, idx);
        priv.lock.unlock();
      }
    },
    async ioctl(cmd, arg) {
      // The mistake: the ioctl is not wrapped in drm_dev_enter(), so unplug does not wait for it.
      if (opts.mistake === 'ioctl-unguarded') return eduIoctlWith(priv, bar, cmd, arg);
      const idx = drmDevEnter(ddev);
      if (idx < 0) throw new KernelError('ENODEV', 'edu: unplugged');
      try {
        return await eduIoctlWith(priv, bar, cmd, arg);
      } finally {
        drmDevExit(ddev, idx);
      }
    },
  };
}
