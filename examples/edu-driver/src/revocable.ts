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
import { Devres, type Owner, tryModuleGetOwner } from '@quiesce/core-devres';
import { HRTIMER_RESTART, type HrTimer, type HrtimerRestart, hrtimerForwardNow } from '@quiesce/hrtimer';
import type { Module } from '@quiesce/module-loader';
import { type IoMem, IRQ_NONE, type PciDriver } from '@quiesce/pci-emu';
import { type Guard, guardedDriver } from './guarded.js';
import { eduIoctlWith, eduIrqWith, eduPollWith, eduWorkWith } from './logic.js';
import type { EduOptions } from './options.js';
import type { EduPriv } from './priv.js';

/** The revocable edu driver. */
export function revocableDriver(mod: Module, opts: EduOptions = {}): PciDriver {
  const leaked = opts.revocableTimer === 'leaked';
  return guardedDriver(mod, opts, {
    discipline: 'revocable',
    guard: (priv, io) => revocableGuard(priv, io, opts),
    leakHandles: leaked,
    // The honest fix when the timer must outlive the binding: keep the text.
    afterProbe: () => {
      if (leaked && opts.pinModule === true) pinOwner(mod);
    },
  });
}

function pinOwner(owner: Owner): void {
  if (!tryModuleGetOwner(owner)) throw new Error('edu: module going away');
}

/** Data guarded: after unbind the poll finds nothing and keeps waiting for a rebind. */
export function idlePoll(priv: EduPriv, t: HrTimer): HrtimerRestart {
  hrtimerForwardNow(t, priv.pollPeriodNs);
  return HRTIMER_RESTART;
}

function revocableGuard(priv: EduPriv, io: IoMem, opts: EduOptions): Guard {
  const bar = new Devres(priv.pdev, io, `${opts.name ?? 'edu'} BAR0`);
  priv.bar = bar;
  priv.enter = () => bar.tryAccess();
  return {
    poll(t) {
      const b = priv.enter();
      return b === null ? idlePoll(priv, t) : eduPollWith(priv, b, t);
    },
    irq() {
      const b = priv.enter();
      return b === null ? IRQ_NONE : eduIrqWith(priv, b);
    },
    async work() {
      await priv.lock.lock();
      try {
        await eduWorkWith(priv, priv.enter);
      } finally {
        priv.lock.unlock();
      }
    },
    ioctl(cmd, arg) {
      if (opts.mistake !== 'ioctl-unguarded') return eduIoctlWith(priv, priv.enter, cmd, arg);
      // The mistake: the BAR from the first tryAccess() is kept across the ioctl's sleep.
      const first = priv.enter();
      return eduIoctlWith(priv, () => first, cmd, arg);
    },
  };
}
