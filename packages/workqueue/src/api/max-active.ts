/**
 * `workqueue_set_max_active()` and the clamp it shares with
 * `alloc_workqueue()` (kernel/workqueue.c: `wq_clamp_max_active`).
 */

import { checkKernel, checkS32, type Kernel, mightSleep } from '@quiesce/core-devres';
import { WQ_MAX_ACTIVE } from '../core/flags.js';
import type { Workqueue } from '../core/workqueue.js';
import { checkWq } from './check.js';

/**
 * `wq_clamp_max_active()`: clamps to 1..WQ_MAX_ACTIVE (the unbound limit is
 * the same), with the kernel's warning when out of range. Context: any.
 */
export function wqClampMaxActive(k: Kernel, maxActive: number, name: string): number {
  checkKernel('wq_clamp_max_active', k);
  if (maxActive < 1 || maxActive > WQ_MAX_ACTIVE) {
    k.warn(
      name,
      `workqueue: max_active ${maxActive} requested for ${name} is out of range, clamping between 1 and ${WQ_MAX_ACTIVE}`,
    );
    return Math.min(Math.max(maxActive, 1), WQ_MAX_ACTIVE);
  }
  return maxActive;
}

/**
 * `workqueue_set_max_active(wq, max_active)`: changes how many items of `wq`
 * may execute at once (per pwq, as the kernel's per-CPU limit). Out of
 * 1..2048 it is clamped with the `alloc_workqueue` warning (0 is clamped to
 * 1 here: it means "default" only at allocation). Raising it activates
 * waiting items at once, oldest first; lowering it lets running items
 * finish and holds new activations back. On an ordered workqueue the kernel
 * `WARN_ON`s and changes nothing.
 * Context: may sleep (takes `wq->mutex`). TypeError when `maxActive` is not
 * an integer.
 */
export function workqueueSetMaxActive(wq: Workqueue, maxActive: number): void {
  checkWq('workqueue_set_max_active', wq);
  const k = wq.kernel;
  checkS32('workqueue_set_max_active', 'max_active', maxActive);
  mightSleep(k, 'workqueue_set_max_active');
  if (wq.ordered) {
    k.warn(wq.name, `workqueue_set_max_active: ${wq.name} is an ordered workqueue (WARN_ON(wq->flags & __WQ_ORDERED))`);
    return;
  }
  const active = wqClampMaxActive(k, maxActive, wq.name);
  wq.maxActive = active;
  k.trace('workqueue_set_max_active', `${wq.name} max_active=${active}`);
  for (const pwq of wq.pwqs) pwq.activateInactive();
}
