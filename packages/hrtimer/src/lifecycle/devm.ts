/**
 * The devm-managed timer: an hrtimer under the lifecycle contract, its fence
 * a core `Fence` (docs/devres.md) whose quiesce step is `hrtimer_cancel`
 * (kernel/time/hrtimer.c).
 *
 * Order at unbind: the core closes the fence first, then `hrtimerCancel`
 * waits for a callback still running on another CPU. During that wait
 * nothing re-arms the timer: the callback's RESTART at the end of its span,
 * and an `hrtimerStart` from any other context, are refused by the closed
 * fence (quietly: the kernel's `hrtimer_cancel` would cancel them). Once the
 * fence has resolved, an `hrtimerStart` on it is a `callback-after-fence`
 * report and the timer stays idle: after unbind its callback provably never
 * runs again. Release: nothing to free (the `struct hrtimer` is the driver's).
 */
import { type Device, devmFence, type Owner } from '@quiesce/core-devres';
import type { ClockId, HrtimerMode } from '../mode.js';
import { hrtimerCancel } from '../timer/cancel.js';
import type { HrTimer, HrtimerFn, HrtimerSetupOptions } from '../timer/hrtimer.js';
import { initTimer } from '../timer/setup.js';
import { claimForBinding, timerBusy } from '../timer/track.js';

/**
 * devmHrtimerSetup - `hrtimerSetup` plus a devres fence that cancels the
 * timer at unbind (newest first with the device's other resources).
 * @param dev the device whose binding owns the timer.
 * Other parameters as {@link hrtimerSetup}.
 *
 * Context: may sleep (the devres node is a GFP_KERNEL allocation, checked
 * with might_sleep(); normally probe). Returns: `timer`.
 * Errors: `-ENOMEM` (devres allocation, fault injection): the timer is set
 * up but not managed.
 * No kernel counterpart (the kernel has no devm hrtimer; drivers call
 * `hrtimer_cancel` in remove() or from a `devm_add_action`): this is the
 * fenced discipline's version of that action. The core fence tracks the
 * timer for the leak check as managed, so a timer still active after its
 * fence is reported as a fence that did not hold.
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
  timer.fence = devmFence(dev, `hrtimer ${timer.name}`, {
    quiesce: async () => {
      await hrtimerCancel(timer);
      k.trace('hrtimer_fenced', timer.name);
    },
    lateStart: 'report',
    acquiredStack: timer.registeredStack,
    busy: () => timerBusy(timer),
  });
  claimForBinding(dev, timer);
  return timer;
}
