/**
 * Workqueue lifetime and flushing: `alloc_workqueue`, `alloc_ordered_workqueue`,
 * `flush_workqueue`, `drain_workqueue`, `destroy_workqueue`, and the system
 * workqueues.
 */

import {
  checkKernel,
  checkS32,
  checkString,
  checkU32,
  type Kernel,
  KernelLocal,
  mightSleep,
} from '@quiesce/core-devres';
import { __WQ_ORDERED, WQ_DFL_ACTIVE, WQ_MAX_ACTIVE, WQ_UNBOUND } from '../core/flags.js';
import { reportFreedWq } from '../core/queue.js';
import type { DelayedWork, WorkStruct } from '../core/work.js';
import { Workqueue } from '../core/workqueue.js';
import { checkDwork, checkWork, checkWq } from './check.js';
import { queueDelayedWork } from './delayed.js';
import { wqClampMaxActive } from './max-active.js';
import { queueWork } from './work.js';

/** Drain flushes after which quiesce stops (the kernel loops for ever). */
export const DRAIN_MAX_TRIES = 1000;

/**
 * `alloc_workqueue()`: a workqueue named `name`. `WQ_UNBOUND` gives one pwq
 * on the unbound pool; otherwise one pwq per CPU. `maxActive` 0 means
 * `WQ_DFL_ACTIVE` (1024); out of 1..`WQ_MAX_ACTIVE` (2048) it is clamped with
 * the kernel's warning ("workqueue: max_active N requested for NAME is out of
 * range, clamping between 1 and 2048"). Context: any.
 * Returns: the workqueue, or null when allocation fails (fault injection).
 */
export function allocWorkqueue(k: Kernel, name: string, flags = 0, maxActive = 0): Workqueue | null {
  checkKernel('alloc_workqueue', k);
  // int max_active, unsigned int flags: NaN or 1.5 cannot be passed in C (docs/validation.md).
  checkString('alloc_workqueue', 'fmt', name);
  checkU32('alloc_workqueue', 'flags', flags);
  checkS32('alloc_workqueue', 'max_active', maxActive);
  mightSleep(k, 'alloc_workqueue');
  if (k.allocFails()) return null;
  const active = wqClampMaxActive(k, maxActive === 0 ? WQ_DFL_ACTIVE : Math.trunc(maxActive), name);
  const wq = new Workqueue(k, name, flags, active);
  k.trace(
    'alloc_workqueue',
    `${name} max_active=${active}${wq.unbound ? ' unbound' : ''}${wq.ordered ? ' ordered' : ''}`,
  );
  return wq;
}

/**
 * `alloc_ordered_workqueue()`: unbound, `max_active` 1: at most one work at
 * a time, in queueing order. Context: any. Returns: the workqueue or null.
 */
export function allocOrderedWorkqueue(k: Kernel, name: string, flags = 0): Workqueue | null {
  checkKernel('alloc_ordered_workqueue', k);
  return allocWorkqueue(k, name, WQ_UNBOUND | __WQ_ORDERED | flags, 1);
}

/**
 * `flush_workqueue()`: waits for every work queued on `wq` before the call
 * (queued, inactive or executing); work queued after it began is not waited
 * for. Context: may sleep.
 */
export async function flushWorkqueue(wq: Workqueue): Promise<void> {
  checkWq('flush_workqueue', wq);
  if (!wq.kernel.mightSleep('flush_workqueue')) return;
  await wq.flushInFlight();
}

/**
 * `drain_workqueue()`: refuses queueing from outside `wq` (warns "workqueue:
 * cannot queue FN on wq NAME" and drops), then flushes until nothing is in
 * flight; work chained from works running on `wq` is allowed and drained.
 * Warns "workqueue NAME: drain_workqueue() isn't complete after N tries" at
 * 10, 100, 200, …, 1000 flushes. Context: may sleep.
 * Deliberate difference: gives up after {@link DRAIN_MAX_TRIES} flushes
 * (the kernel loops for ever); destroyWorkqueue then finds the queue busy.
 */
export async function drainWorkqueue(wq: Workqueue): Promise<void> {
  checkWq('drain_workqueue', wq);
  const k = wq.kernel;
  if (!k.mightSleep('drain_workqueue')) return;
  wq.nrDrainers++;
  try {
    let tries = 0;
    for (;;) {
      await wq.flushInFlight();
      if (wq.nrInFlight === 0) break;
      tries++;
      if (tries === 10 || (tries % 100 === 0 && tries <= 1000)) {
        k.warn(wq.name, `workqueue ${wq.name}: drain_workqueue() isn't complete after ${tries} tries`);
      }
      if (tries >= DRAIN_MAX_TRIES) break;
    }
  } finally {
    wq.nrDrainers--;
  }
}

/**
 * `destroy_workqueue()`: marks `wq` destroying (outside queueing warns and is
 * dropped from now on), drains it, and frees it. If it is still busy after
 * the drain, warns "destroy_workqueue: NAME has the following busy pwq" and
 * returns without freeing. Pending delayed-work timers are the caller's to
 * cancel first (one firing later warns "cannot queue").
 * Context: may sleep. Returns: true if freed (the kernel returns void).
 */
export async function destroyWorkqueue(wq: Workqueue): Promise<boolean> {
  checkWq('destroy_workqueue', wq);
  const k = wq.kernel;
  if (!k.mightSleep('destroy_workqueue')) return false;
  if (wq.destroyed) {
    reportFreedWq(k, wq, 'destroy_workqueue', `destroy_workqueue of ${wq.name} a second time`);
    return false;
  }
  wq.destroying = true;
  await drainWorkqueue(wq);
  if (wq.nrInFlight > 0) {
    k.warn(wq.name, `destroy_workqueue: ${wq.name} has the following busy pwq`);
    return false;
  }
  wq.destroyed = true;
  k.trace('destroy_workqueue', wq.name);
  return true;
}

/** Works queued, inactive or executing on `wq`. Context: any. */
export function workqueueInFlight(wq: Workqueue): number {
  checkWq('workqueue_in_flight', wq);
  return wq.nrInFlight;
}

const SYSTEM_WQ = new KernelLocal((k: Kernel) => new Workqueue(k, 'events', 0, WQ_DFL_ACTIVE));
const SYSTEM_UNBOUND_WQ = new KernelLocal((k: Kernel) => new Workqueue(k, 'events_unbound', WQ_UNBOUND, WQ_MAX_ACTIVE));

/** `system_wq` ("events", per-CPU, default max_active) of `k`. Context: any. */
export function systemWq(k: Kernel): Workqueue {
  checkKernel('system_wq', k);
  return SYSTEM_WQ.get(k);
}

/** `system_unbound_wq` ("events_unbound", max_active WQ_MAX_ACTIVE) of `k`. Context: any. */
export function systemUnboundWq(k: Kernel): Workqueue {
  checkKernel('system_unbound_wq', k);
  return SYSTEM_UNBOUND_WQ.get(k);
}

/** `schedule_work()`: {@link queueWork} on the system workqueue. Context: any. Returns: as queueWork. */
export function scheduleWork(work: WorkStruct): boolean {
  checkWork('schedule_work', work);
  return queueWork(systemWq(work.kernel), work);
}

/** `schedule_delayed_work()`: {@link queueDelayedWork} on the system workqueue. Context: any. */
export function scheduleDelayedWork(dwork: DelayedWork, delayNs: number): boolean {
  checkDwork('schedule_delayed_work', dwork);
  return queueDelayedWork(systemWq(dwork.kernel), dwork, delayNs);
}
