/**
 * Device-managed work and workqueues under the lifecycle contract
 * (docs/design.md §4): the fence makes sure nothing of the resource runs, is
 * queued or armed when it resolves, and that nothing can start again.
 *
 * - Work: the fence is `disable_work_sync()` and the work is marked fenced,
 *   so a self-requeue (or a timer/IRQ queueing it) after remove is refused
 *   and counted. The kernel's `devm_work_autocancel()` uses
 *   `cancel_work_sync()`, which re-enables the work when it returns; another
 *   queuer can still queue it afterwards.
 * - Workqueue: the fence drains, then destroys (`devm_alloc_workqueue()`
 *   destroys, which drains).
 */
import { type Device, devresAdd, type Owner } from '@quiesce/core-devres';
import { initDelayedWork } from '../api/delayed.js';
import { initWork } from '../api/work.js';
import { allocWorkqueue, destroyWorkqueue, drainWorkqueue } from '../api/workqueue.js';
import { cancelSyncInternal } from '../core/queue.js';
import type { DelayedWork, WorkFn, WorkStruct } from '../core/work.js';
import type { Workqueue } from '../core/workqueue.js';

async function fenceWork(work: WorkStruct): Promise<void> {
  // Refuse queueing first, then wait: a requeue during the wait is refused and counted.
  work.fenced = true;
  await cancelSyncInternal(work, true, 'disable_work_sync');
}

/**
 * Initialises `work` (as {@link initWork}) and registers it with `dev`'s
 * devres: at unbind its fence disables it and waits for a running instance.
 * Context: any. Errors: `-ENOMEM` (devres allocation), nothing registered.
 * Returns: `work`. Mirrors `devm_work_autocancel()` with disable instead of cancel.
 */
export function devmWorkInit(dev: Device, work: WorkStruct, fn: WorkFn, owner: Owner = null): WorkStruct {
  initWork(work, fn, owner);
  devresAdd(dev, { name: `work ${work.name}`, fence: () => fenceWork(work), release: () => undefined });
  work.devm = true;
  return work;
}

/**
 * Initialises `dwork` (as {@link initDelayedWork}) and registers it with
 * `dev`'s devres: the fence disarms the timer, disables the work and waits
 * for a running instance. Context: any. Errors: `-ENOMEM`.
 * Returns: `dwork`. Mirrors `devm_delayed_work_autocancel()` (disable, not cancel).
 */
export function devmDelayedWorkInit(dev: Device, dwork: DelayedWork, fn: WorkFn, owner: Owner = null): DelayedWork {
  initDelayedWork(dwork, fn, owner);
  const work = dwork.work;
  devresAdd(dev, { name: `delayed_work ${work.name}`, fence: () => fenceWork(work), release: () => undefined });
  work.devm = true;
  return dwork;
}

/**
 * `devm_alloc_workqueue()`: a workqueue whose fence at unbind drains it and
 * then destroys it. Context: any. Errors: `-ENOMEM` from devres (the
 * workqueue is then not leaked: it was never handed out).
 * Returns: the workqueue, or null when its allocation fails.
 */
export function devmAllocWorkqueue(dev: Device, name: string, flags = 0, maxActive = 0): Workqueue | null {
  const wq = allocWorkqueue(dev.kernel, name, flags, maxActive);
  if (wq === null) return null;
  devresAdd(dev, {
    name: `workqueue ${name}`,
    fence: async () => {
      await drainWorkqueue(wq);
      await destroyWorkqueue(wq);
    },
    release: () => undefined,
  });
  return wq;
}
