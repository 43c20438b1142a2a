/**
 * How each discipline stops the poll timer and the completion work at
 * unbind, with the author's mistakes of `EduOptions.mistake` written in it.
 *
 * - devm disciplines (fenced, devres-access): the timer and the work are
 *   devm-managed, so their fences run before any release; a mistake leaves
 *   one unmanaged, or stops it with a non-waiting cancel in a devm action.
 * - guarded disciplines (revocable, srcu-device, c-revocable): the timer and
 *   the work are plain kernel objects that the driver "drops" in one devm
 *   action (Rust drops its `HrTimer`/work handles with the driver data);
 *   a mistake leaves one out, cancels without waiting, or cancels in the
 *   wrong order.
 */
import { devmAddAction, type Kernel, msleep, type Owner } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  devmHrtimerSetup,
  HRTIMER_MODE_REL,
  HrTimer,
  type HrtimerRestart,
  hrtimerCancel,
  hrtimerSetup,
} from '@quiesce/hrtimer';
import type { PciDev } from '@quiesce/pci-emu';
import {
  allocDelayedWork,
  cancelDelayedWork,
  cancelDelayedWorkSync,
  type DelayedWork,
  devmDelayedWorkInit,
  initDelayedWork,
} from '@quiesce/workqueue';
import type { EduOptions } from './options.js';
import type { EduPriv } from './priv.js';

/** The completion work of a devm discipline (see the file comment). Context: probe. */
export function devmEduWork(pdev: PciDev, fn: () => Promise<void>, owner: Owner, opts: EduOptions): DelayedWork {
  const w = allocDelayedWork(pdev.kernel);
  if (opts.mistake === 'work-not-stopped') return initDelayedWork(w, fn, owner);
  if (opts.mistake === 'work-cancel-nosync') {
    initDelayedWork(w, fn, owner);
    devmAddAction(
      pdev,
      async function eduCancelWork(work: DelayedWork) {
        cancelDelayedWork(work);
      },
      w,
    );
    return w;
  }
  return devmDelayedWorkInit(pdev, w, fn, owner);
}

/** The poll timer of a devm discipline (unmanaged when the mistake forgets it). Context: probe. */
export function devmEduTimer(
  pdev: PciDev,
  fn: (t: HrTimer) => HrtimerRestart,
  owner: Owner,
  opts: EduOptions,
): HrTimer {
  const o = { callbackSpanNs: opts.callbackSpanNs ?? 0 };
  if (opts.mistake === 'timer-not-stopped')
    return hrtimerSetup(pdev.kernel, new HrTimer(), fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL, owner, o);
  return devmHrtimerSetup(pdev, new HrTimer(), fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL, owner, o);
}

/** The poll timer of a guarded discipline: a plain timer, dropped by {@link devmDropHandles}. Context: probe. */
export function plainEduTimer(k: Kernel, fn: (t: HrTimer) => HrtimerRestart, owner: Owner, opts: EduOptions): HrTimer {
  return hrtimerSetup(k, new HrTimer(), fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL, owner, {
    callbackSpanNs: opts.callbackSpanNs ?? 0,
  });
}

/**
 * Registers the devm action of a guarded discipline that drops the timer and
 * the work (cancels both, waiting), as the mistake allows. Context: probe.
 */
export function devmDropHandles(pdev: PciDev, priv: EduPriv, opts: EduOptions): void {
  const mistake = opts.mistake;
  const stopTimer = async (p: EduPriv): Promise<void> => {
    if (mistake !== 'timer-not-stopped' && p.timer !== null) await hrtimerCancel(p.timer);
  };
  const stopWork = async (p: EduPriv): Promise<void> => {
    if (mistake === 'work-not-stopped' || p.work === null) return;
    if (mistake === 'work-cancel-nosync') cancelDelayedWork(p.work);
    else await cancelDelayedWorkSync(p.work);
  };
  devmAddAction(
    pdev,
    async function eduDropHandles(p: EduPriv) {
      if (mistake === 'work-cancelled-before-timer') {
        await stopWork(p);
        await msleep(p.k, 1); // let the device settle: the timer still runs meanwhile
        await stopTimer(p);
      } else {
        await stopTimer(p);
        await stopWork(p);
      }
    },
    priv,
  );
}
