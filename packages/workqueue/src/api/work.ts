/**
 * The work API (include/linux/workqueue.h, kernel/workqueue.c): init, queue,
 * cancel, disable/enable, flush, and the state queries.
 */
import {
  captureStack,
  checkKernel,
  currentBindingDevice,
  fenceRefuses,
  type Kernel,
  type Owner,
  trackResource,
} from '@quiesce/core-devres';
import { WORK_BUSY_PENDING, WORK_BUSY_RUNNING, WORK_CPU_UNBOUND } from '../core/flags.js';
import { cancelInternal, cancelSyncInternal, enableInternal, flushInternal, queueWorkInternal } from '../core/queue.js';
import { IDLE, type WorkFn, WorkStruct } from '../core/work.js';
import type { Workqueue } from '../core/workqueue.js';
import { checkWork, checkWorkCpu, checkWq } from './check.js';

/**
 * Allocates an uninitialised work for `k` (the storage of a
 * `struct work_struct`); pass it to {@link initWork}. Context: any.
 */
export function allocWork(k: Kernel): WorkStruct {
  checkKernel('INIT_WORK', k);
  return new WorkStruct(k);
}

/**
 * `INIT_WORK()`: sets the function and its owner (`THIS_MODULE`; null for
 * built-in) and resets the state. A work created while a device is probing
 * is tracked for the leak check at unbind (busy = pending or running).
 * Context: any. Returns: `work`.
 * Deliberate difference: also records the owner, which C keeps implicitly
 * in the function's text.
 */
export function initWork(work: WorkStruct, fn: WorkFn, owner: Owner = null): WorkStruct {
  checkWork('INIT_WORK', work);
  initWorkInternal(work, fn, owner);
  const dev = currentBindingDevice(work.kernel);
  if (dev !== null) {
    trackResource(dev, {
      description: `work ${work.name}`,
      busy: () => workBusyNow(work),
      managed: false,
      acquiredStack: work.registeredStack,
    });
  }
  return work;
}

/** @internal `INIT_WORK()` without the leak tracking (a devm work is tracked by its core fence). */
export function initWorkInternal(work: WorkStruct, fn: WorkFn, owner: Owner): void {
  if (typeof fn !== 'function') throw new TypeError(`INIT_WORK: func must be a function, got ${String(fn)}`);
  work.fn = fn;
  work.owner = owner ?? null; // undefined is C's NULL: built-in
  work.name = fn.name || 'work_fn';
  work.registeredStack = captureStack(work.kernel.sanitizer.mode, 4);
  work.pending = IDLE;
  work.item = null;
  work.disable = 0;
  work.fence = null;
}

/** @internal Pending or running: what the leak check asks. */
export function workBusyNow(work: WorkStruct): boolean {
  return work.pending !== IDLE || work.running > 0;
}

/**
 * `queue_work_on()`: queues `work` on `wq` for `cpu` (`WORK_CPU_UNBOUND`
 * = -1: the local CPU; ignored for an unbound wq). A work running but not
 * pending can be queued again; its next run starts after the current one ends.
 * Context: any. Returns: false if already pending or disabled (or fenced),
 * true otherwise — also when a draining/destroying `wq` drops it with a
 * "cannot queue" warning, as the kernel does.
 */
export function queueWorkOn(cpu: number, wq: Workqueue, work: WorkStruct): boolean {
  // Validate before PENDING is taken (docs/validation.md): a rejected call changes nothing.
  checkWork('queue_work_on', work);
  checkWorkCpu('queue_work_on', work.kernel, cpu);
  checkWq('queue_work_on', wq);
  work.kernel.census?.count('atomic_rmw'); // test_and_set_bit(WORK_STRUCT_PENDING_BIT)
  if (work.pending !== IDLE || work.disable !== 0) {
    // A fenced work is disabled too; the core counts (and traces) the refusal.
    fenceRefuses(work.fence, 'queue_work');
    return false;
  }
  if (fenceRefuses(work.fence, 'queue_work')) return false;
  queueWorkInternal(cpu, wq, work);
  return true;
}

/** `queue_work()`: {@link queueWorkOn} on the local CPU. Context: any. Returns: as queueWorkOn. */
export function queueWork(wq: Workqueue, work: WorkStruct): boolean {
  return queueWorkOn(WORK_CPU_UNBOUND, wq, work);
}

/**
 * `cancel_work()`: removes a pending work; does not wait for a running one.
 * Context: any. Returns: true if it was pending.
 */
export function cancelWork(work: WorkStruct): boolean {
  checkWork('cancel_work', work);
  return cancelInternal(work, false);
}

/**
 * `cancel_work_sync()`: disables `work` (a requeue attempted meanwhile fails,
 * a self-requeue too), waits for the running instance, then enables it again.
 * Context: may sleep. Returns: true if it was pending.
 */
export function cancelWorkSync(work: WorkStruct): Promise<boolean> {
  checkWork('cancel_work_sync', work);
  return cancelSyncInternal(work, false, 'cancel_work_sync');
}

/**
 * `disable_work()`: cancels and raises the disable count (16 bits; overflow
 * warns "workqueue: work disable count overflowed" and is ignored). While
 * disabled, queueing returns false. Context: any. Returns: true if it was pending.
 */
export function disableWork(work: WorkStruct): boolean {
  checkWork('disable_work', work);
  return cancelInternal(work, true);
}

/**
 * `disable_work_sync()`: {@link disableWork}, then waits for the running
 * instance. Context: may sleep. Returns: true if it was pending.
 */
export function disableWorkSync(work: WorkStruct): Promise<boolean> {
  checkWork('disable_work_sync', work);
  return cancelSyncInternal(work, true, 'disable_work_sync');
}

/**
 * `enable_work()`: lowers the disable count (at 0 warns "workqueue: work
 * disable count underflowed"). Like the kernel it grabs PENDING first, so
 * enabling an enabled pending work cancels it. Context: any.
 * Returns: true when the count is 0 (the work can be queued).
 */
export function enableWork(work: WorkStruct): boolean {
  checkWork('enable_work', work);
  return enableInternal(work);
}

/**
 * `flush_work()`: waits for the last queueing of `work` to finish executing.
 * A work whose delayed-work timer is still armed is not waited for.
 * Context: may sleep. Returns: true if it waited, false if already idle.
 */
export function flushWork(work: WorkStruct): Promise<boolean> {
  checkWork('flush_work', work);
  return flushInternal(work, 'flush_work');
}

/** `work_pending()`: PENDING is set (queued, or its timer armed). Context: any. */
export function workPending(work: WorkStruct): boolean {
  checkWork('work_pending', work);
  return work.pending !== IDLE;
}

/**
 * `work_busy()`: `WORK_BUSY_PENDING | WORK_BUSY_RUNNING` bits. Context: any.
 * Returns: the bit mask (racy in the kernel; exact here).
 */
export function workBusy(work: WorkStruct): number {
  checkWork('work_busy', work);
  return (work.pending !== IDLE ? WORK_BUSY_PENDING : 0) | (work.running > 0 ? WORK_BUSY_RUNNING : 0);
}

/** True while a worker is executing `work` (`work_busy() & WORK_BUSY_RUNNING`). Context: any. */
export function workRunning(work: WorkStruct): boolean {
  checkWork('work_running', work);
  return work.running > 0;
}

/** Disable count of `work` (for tests and diagnostics). Context: any. */
export function workDisableCount(work: WorkStruct): number {
  checkWork('work_disable_count', work);
  return work.disable;
}
