/**
 * The c-revocable discipline: the C revocable API. BAR0 is held by a
 * revocable provider (`devm_revocable_provider_alloc`); every hot path takes
 * a scoped try-access (an SRCU read section on the provider) and does nothing
 * once it gets NULL; the misc device's `open` replaces the file's operations
 * (`revocable_replace_fops`), so open files' ioctls and releases go through
 * the provider too. Unbind revokes the provider: clear the pointer, one
 * `synchronize_srcu()` for this provider (one per provider, not per device).
 * Then devres drops the timer and the work, frees the IRQ and unmaps.
 */
import { devmRevocableProviderAlloc, KernelError, revocableScoped, revocableScopedAsync } from '@quiesce/core-devres';
import { type File, revocableReplaceFops } from '@quiesce/miscdev';
import type { Module } from '@quiesce/module-loader';
import { type IoMem, IRQ_NONE, type PciDriver } from '@quiesce/pci-emu';
import { type Guard, guardedDriver } from './guarded.js';
import { eduIoctlWith, eduIrqWith, eduPollWith, eduWorkWith } from './logic.js';
import type { EduOptions } from './options.js';
import type { EduPriv } from './priv.js';
import { idlePoll } from './revocable.js';

/** The c-revocable edu driver. */
export function cRevocableDriver(mod: Module, opts: EduOptions = {}): PciDriver {
  return guardedDriver(mod, opts, {
    discipline: 'c-revocable',
    guard: (priv, io) => cRevocableGuard(priv, io, opts),
  });
}

function cRevocableGuard(priv: EduPriv, io: IoMem, opts: EduOptions): Guard {
  const rp = devmRevocableProviderAlloc(priv.pdev, io, `${opts.name ?? 'edu'} BAR0`);
  priv.io = io;
  priv.provider = rp;
  priv.enter = () => rp.res;
  const unguarded = opts.mistake === 'ioctl-unguarded';
  const g: Guard = {
    poll: (t) => revocableScoped(rp, (bar) => (bar === null ? idlePoll(priv, t) : eduPollWith(priv, bar, t))),
    irq: () => revocableScoped(rp, (bar) => (bar === null ? IRQ_NONE : eduIrqWith(priv, bar))),
    async work() {
      await priv.lock.lock();
      try {
        // The read section may sleep (SRCU): the pointer stays valid across the work's sleep.
        await revocableScopedAsync(rp, async (bar) => {
          if (bar !== null) await eduWorkWith(priv, () => bar);
        });
      } finally {
        priv.lock.unlock();
      }
    },
    ioctl(cmd, arg) {
      // The mistake: no fops replacement, and the ioctl uses the pointer it kept from probe.
      if (unguarded) return eduIoctlWith(priv, () => io, cmd, arg);
      return revocableScopedAsync(rp, (bar) => {
        if (bar === null) throw new KernelError('ENODEV', 'edu: revoked');
        return eduIoctlWith(priv, () => bar, cmd, arg);
      });
    },
  };
  if (!unguarded)
    g.open = async function eduOpen(file: File): Promise<void> {
      revocableReplaceFops(file, rp);
    };
  return g;
}
