/**
 * Device-managed work and workqueues under the lifecycle contract
 * (docs/design.md §4), each fence a core `Fence` supplying only its quiesce
 * step: when it resolves nothing of the resource runs, is queued or armed,
 * and nothing can start again.
 *
 * - Work: the quiesce step is `disable_work_sync()` (kernel/workqueue.c).
 *   The core closes the fence before it, so a self-requeue (or a timer/IRQ
 *   queueing the work) while it waits for the running instance is refused
 *   and counted, and so is every queueing after unbind (`lateStart:
 *   'refuse'`: a disabled work refuses queueing in the kernel too, so a
 *   refusal is the contract working, not a report). The kernel's
 *   `devm_work_autocancel()` uses `cancel_work_sync()`, which re-enables the
 *   work when it returns; another queuer can still queue it afterwards.
 * - Workqueue: the quiesce step drains, then destroys
 *   (`devm_alloc_workqueue()` destroys, which drains); queueing from outside
 *   meanwhile is the workqueue's own "cannot queue" warning.
 */
import { type Device, devmFence, type Owner } from '@quiesce/core-devres';
import { initDelayedWorkInternal } from '../api/delayed.js';
import { initWorkInternal, workBusyNow } from '../api/work.js';
import { allocWorkqueue, destroyWorkqueue, drainWorkqueue } from '../api/workqueue.js';
import { cancelSyncInternal } from '../core/queue.js';
import type { DelayedWork, WorkFn, WorkStruct } from '../core/work.js';
import type { Workqueue } from '../core/workqueue.js';

/** Puts `work`'s fence on `dev`: quiesce = `disable_work_sync` (the delayed-work timer is disarmed by the same grab). */
function fenceWork(dev: Device, work: WorkStruct, name: string): void {
  work.fence = devmFence(dev, name, {
    quiesce: async () => {
      await cancelSyncInternal(work, true, 'disable_work_sync');
    },
    lateStart: 'refuse',
    acquiredStack: work.registeredStack,
    busy: () => workBusyNow(work),
  });
}

/**
 * devmWorkInit - `INIT_WORK()` plus a devres fence that disables the work
 * and waits for a running instance at unbind.
 * @param dev the device whose binding owns the work.
 * @param work the work (from `allocWork`).
 * @param fn the work function.
 * @param owner the module owning `fn` (`THIS_MODULE`), null for built-in.
 *
 * Context: may sleep (devm_add_action's devres_alloc with GFP_KERNEL,
 * checked with might_sleep()). Returns: `work`. Errors: `-ENOMEM` (devres allocation): the
 * work is initialised but not managed.
 * Mirrors `devm_work_autocancel()` with disable instead of cancel.
 */
export function devmWorkInit(dev: Device, work: WorkStruct, fn: WorkFn, owner: Owner = null): WorkStruct {
  initWorkInternal(work, fn, owner);
  fenceWork(dev, work, `work ${work.name}`);
  return work;
}

/**
 * devmDelayedWorkInit - `INIT_DELAYED_WORK()` plus a devres fence: at unbind
 * it disarms the timer, disables the work and waits for a running instance.
 * Parameters as {@link devmWorkInit}.
 *
 * Context: any. Returns: `dwork`. Errors: `-ENOMEM`, as devmWorkInit.
 * Mirrors `devm_delayed_work_autocancel()` (disable, not cancel).
 */
export function devmDelayedWorkInit(dev: Device, dwork: DelayedWork, fn: WorkFn, owner: Owner = null): DelayedWork {
  initDelayedWorkInternal(dwork, fn, owner);
  fenceWork(dev, dwork.work, `delayed_work ${dwork.work.name}`);
  return dwork;
}

/**
 * devmAllocWorkqueue - `alloc_workqueue()` whose devres fence drains and
 * destroys it at unbind.
 * @param dev the device. Other parameters as `allocWorkqueue`.
 *
 * Context: any. Returns: the workqueue, or null when its allocation fails.
 * Errors: `-ENOMEM` from devres (the workqueue is then not leaked: it was
 * never handed out). Mirrors `devm_alloc_workqueue()`.
 */
export function devmAllocWorkqueue(dev: Device, name: string, flags = 0, maxActive = 0): Workqueue | null {
  const wq = allocWorkqueue(dev.kernel, name, flags, maxActive);
  if (wq === null) return null;
  devmFence(dev, `workqueue ${name}`, {
    quiesce: async () => {
      await drainWorkqueue(wq);
      await destroyWorkqueue(wq);
    },
    lateStart: 'refuse',
  });
  return wq;
}
