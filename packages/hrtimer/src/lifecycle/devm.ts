/**
 * The devm-managed timer: an hrtimer under the lifecycle contract.
 *
 * Fence (at unbind, may sleep): `hrtimerCancel` — waits for a running
 * callback and cancels any re-arm — then the timer is marked fenced in the
 * same synchronous step, so nothing can arm it in between. From then on every
 * `hrtimerStart` on it is refused (a `callback-after-fence` report) and the
 * timer stays idle: after unbind its callback provably never runs again.
 * Release: nothing to free (the `struct hrtimer` memory is the driver's).
 */
import { type Device, devresAdd, type Owner } from '@quiesce/core-devres';
import type { ClockId, HrtimerMode } from '../mode.js';
import { hrtimerCancel } from '../timer/cancel.js';
import type { HrTimer, HrtimerFn, HrtimerSetupOptions } from '../timer/hrtimer.js';
import { initTimer } from '../timer/setup.js';
import { trackOn } from '../timer/track.js';

/**
 * devmHrtimerSetup - `hrtimerSetup` plus a devres entry that fences the
 * timer at unbind (newest first with the device's other resources).
 * @param dev the device whose binding owns the timer.
 * Other parameters as {@link hrtimerSetup}.
 *
 * Context: any (normally probe). Returns: `timer`.
 * Errors: `-ENOMEM` (devres allocation, fault injection): the timer is set
 * up but not managed.
 * No kernel counterpart (the kernel has no devm hrtimer; drivers call
 * `hrtimer_cancel` in remove() or from a `devm_add_action`): this is the
 * fenced discipline's version of that action. The timer is tracked as a
 * managed resource, so if it is still active after the fence the leak check
 * reports that the fence did not hold.
 */
export function devmHrtimerSetup<T extends HrTimer>(
  dev: Device,
  timer: T,
  fn: HrtimerFn<T>,
  clockId: ClockId,
  mode: HrtimerMode,
  owner: Owner,
  opts: HrtimerSetupOptions = {},
): T {
  const k = dev.kernel;
  initTimer(k, timer, fn, clockId, mode, owner, opts);
  devresAdd(dev, {
    name: `hrtimer ${timer.name}`,
    fence: async () => {
      await hrtimerCancel(timer);
      timer.fenced = true;
      k.trace('hrtimer_fenced', timer.name);
    },
    release: () => undefined,
  });
  trackOn(dev, timer, true);
  return timer;
}
