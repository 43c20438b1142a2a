/**
 * Emulates kernel/workqueue.c.
 *
 * The internal verbs: `__queue_work()`, `try_to_grab_pending()`, the disable
 * count, and `__flush_work()`'s wait. The exported API wraps these.
 */
import { type Kernel, KernelLocal } from '@quiesce/core-devres';
import { WORK_CPU_UNBOUND, WORK_OFFQ_DISABLE_MAX } from './flags.js';
import { workMap } from './lockdep-maps.js';
import { currentWorker, itemDone, wakeWorkWaiters, workWaitq } from './pool.js';
import { IDLE, noWork, QUEUED, TIMER, WorkItem, type WorkStruct } from './work.js';
import type { Workqueue } from './workqueue.js';

const ONCE = new KernelLocal(() => new Set<string>());

/** `WARN_ONCE()`: one `warn` report per kernel and message key. */
export function warnOnce(k: Kernel, key: string, resource: string, message: string): void {
  const seen = ONCE.get(k);
  if (seen.has(key)) return;
  seen.add(key);
  k.warn(resource, message);
}

/** `is_chained_work()`: the caller is a work executing on `wq`. */
export function isChainedWork(k: Kernel, wq: Workqueue): boolean {
  const w = currentWorker(k);
  return w !== null && w.current !== null && w.current.pwq.wq === wq;
}

/**
 * A use of a workqueue after `destroy_workqueue` freed it: KASAN's
 * `use-after-free` (nothing is queued). Context: any.
 */
export function reportFreedWq(k: Kernel, wq: Workqueue, fn: string, detail: string): void {
  k.sanitizer.report({
    kind: 'use-after-free',
    title: `BUG: KASAN: slab-use-after-free in ${fn}`,
    resource: `workqueue ${wq.name}`,
    detail: `${detail}; the workqueue was freed by destroy_workqueue`,
    stacks: k.stack(),
  });
  k.trace('use-after-free', `workqueue ${wq.name}`);
}

/** The CPU the caller runs on (`raw_smp_processor_id()`). */
function localCpu(k: Kernel): number {
  return k.contextInfo().cpu;
}

/**
 * `__queue_work()`: the caller owns PENDING. Puts a new item on the right pwq,
 * or, on a draining/destroying workqueue from outside, warns "cannot queue"
 * and drops the work (PENDING cleared, as mainline since 6.18 does).
 */
export function queueWorkInternal(cpu: number, wq: Workqueue, work: WorkStruct): void {
  const k = wq.kernel;
  k.census?.countAll('spin_lock_irqsave', 'spin_unlock_irqrestore'); // local_irq_save + pool->lock
  if (wq.destroyed) {
    // The workqueue_struct is freed memory: the kernel's __queue_work reads it (KASAN).
    reportFreedWq(k, wq, '__queue_work', `queue_work of ${work.name} on destroyed workqueue ${wq.name}`);
    work.pending = IDLE;
    return;
  }
  if (wq.closed && !isChainedWork(k, wq)) {
    warnOnce(k, 'cannot queue', wq.name, `workqueue: cannot queue ${work.name} on wq ${wq.name}`);
    work.pending = IDLE;
    k.trace('workqueue_queue_dropped', work.name);
    return;
  }
  let pwq = wq.pwqFor(cpu === WORK_CPU_UNBOUND ? localCpu(k) : cpu);
  // Non-reentrancy across pools: if it is still running on its last pool for this wq, queue it there.
  const last = work.lastPool;
  if (last !== null && last !== pwq.pool && !wq.ordered) {
    const worker = last.findWorkerExecuting(work);
    if (worker !== null && (worker.current as WorkItem).pwq.wq === wq) pwq = (worker.current as WorkItem).pwq;
  }
  const item = new WorkItem(work, pwq, wq.inFlightAdd(), ++work.queueSeq);
  work.pending = QUEUED;
  work.item = item;
  work.lastPool = pwq.pool;
  k.trace('workqueue_queue_work', work.name);
  pwq.insert(item);
}

/**
 * `try_to_grab_pending()`: takes PENDING away from a queued item or an armed
 * delayed-work timer. Returns true if the work was pending. Never busy-waits:
 * in one-task-at-a-time there is no half-queued state.
 * (The kernel spins on -EAGAIN when `&dwork->work` is cancelled with its
 * timer armed until the timer expires; quiesce cancels the timer at once.)
 */
export function grabPending(work: WorkStruct): boolean {
  work.kernel.census?.count('atomic_rmw'); // test_and_set_bit(WORK_STRUCT_PENDING_BIT)
  if (work.pending === IDLE) return false;
  work.kernel.census?.countAll('spin_lock_irqsave', 'spin_unlock_irqrestore');
  if (work.pending === TIMER) {
    const dw = work.dwork;
    if (dw !== null) work.kernel.cancelTimer(dw.timer);
  } else {
    const item = work.item as WorkItem;
    item.list?.remove(item);
    work.item = null;
    itemDone(item);
  }
  work.pending = IDLE;
  wakeWorkWaiters(work);
  return true;
}

/** `work_offqd_disable()`: +1, warning once on overflow. */
export function disableInc(work: WorkStruct): void {
  if (work.disable < WORK_OFFQ_DISABLE_MAX) work.disable++;
  else warnOnce(work.kernel, 'disable overflow', work.name, 'workqueue: work disable count overflowed');
}

/** `work_offqd_enable()`: -1, warning once on underflow. */
export function disableDec(work: WorkStruct): void {
  if (work.disable > 0) work.disable--;
  else warnOnce(work.kernel, 'disable underflow', work.name, 'workqueue: work disable count underflowed');
}

/** `__cancel_work()`: grabs PENDING, optionally raises the disable count. Returns true if it was pending. */
export function cancelInternal(work: WorkStruct, disable: boolean): boolean {
  const ret = grabPending(work);
  if (disable) disableInc(work);
  if (ret) work.kernel.trace('workqueue_cancel', work.name);
  return ret;
}

/** True while `flush_work()` started with target `target` must still wait. */
function mustWait(work: WorkStruct, target: number): boolean {
  if (work.pending === QUEUED && (work.item as WorkItem).workSeq <= target) return true;
  return work.running > 0 && work.runningSeq <= target;
}

/**
 * `__flush_work()`: waits for the last queueing of `work` to finish executing
 * (if queued or running). Returns true if it had to wait. Context: may sleep.
 * lockdep: takes the work's map first, waiting or not. Wait-for graph: the
 * wait is for the kworker running the work (a queued one gets a worker).
 */
export async function flushInternal(work: WorkStruct, what: string): Promise<boolean> {
  const k = work.kernel;
  const ld = k.lockdep;
  if (ld !== null) ld.touch(workMap(ld, work.name), what);
  if (!k.mightSleep(what)) return false;
  if (work.fn === noWork) {
    // __flush_work(): WARN_ON(!work->func), nothing to wait for.
    k.warn(`work ${work.name}`, `${what}: WARN_ON(!work->func): the work was never initialised`);
    return false;
  }
  const target = work.queueSeq;
  if (!mustWait(work, target)) return false;
  const waitFor = {
    resource: `${what} ${work.name}`,
    holders: () => (work.executing === null ? [] : [work.executing.task]),
  };
  await workWaitq(work).waitEvent(() => !mustWait(work, target), `${what} ${work.name}`, waitFor);
  return true;
}

/**
 * `__cancel_work_sync()`: disables (so a requeue fails, a self-requeue too),
 * waits for the running instance, then re-enables unless `keepDisabled`.
 * Returns true if it was pending. Context: may sleep.
 */
export async function cancelSyncInternal(work: WorkStruct, keepDisabled: boolean, what: string): Promise<boolean> {
  const ret = cancelInternal(work, true);
  await flushInternal(work, what);
  if (!keepDisabled) enableInternal(work);
  return ret;
}

/** `enable_work()`: grabs PENDING, lowers the count. Returns true when the count is 0. */
export function enableInternal(work: WorkStruct): boolean {
  grabPending(work);
  disableDec(work);
  return work.disable === 0;
}
