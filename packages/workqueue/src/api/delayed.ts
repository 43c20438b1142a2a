/**
 * Delayed work: a work plus a timer on the kernel's shared timer queue. The
 * timer fires in softirq context on its CPU and queues the work
 * (`delayed_work_timer_fn`). Delays are in nanoseconds of virtual time
 * (the kernel counts jiffies; `msecs` callers multiply by 1e6).
 */
import { checkKernel, fenceRefuses, type Kernel, type Owner, timerEntry } from '@quiesce/core-devres';
import { WORK_CPU_UNBOUND } from '../core/flags.js';
import { cancelInternal, cancelSyncInternal, enableInternal, grabPending, queueWorkInternal } from '../core/queue.js';
import { DelayedWork, IDLE, TIMER, type WorkFn } from '../core/work.js';
import type { Workqueue } from '../core/workqueue.js';
import { checkDwork, checkQueueDelayed } from './check.js';
import { flushWork, initWork, initWorkInternal } from './work.js';

/** Allocates an uninitialised delayed work for `k`; pass it to {@link initDelayedWork}. Context: any. */
export function allocDelayedWork(k: Kernel): DelayedWork {
  checkKernel('INIT_DELAYED_WORK', k);
  return new DelayedWork(k, (dw) =>
    timerEntry('delayed_work_timer_fn', 0, () => {
      const k2 = dw.kernel;
      k2.runAtomic('softirq', dw.timer.cpu, `delayed_work_timer_fn ${dw.work.name}`, () => delayedWorkTimerFn(dw));
    }),
  );
}

/** `delayed_work_timer_fn()`: queues the work where `queue_delayed_work` asked (softirq context). */
function delayedWorkTimerFn(dw: DelayedWork): void {
  const wq = dw.wq;
  if (wq === null || dw.work.pending !== TIMER) return;
  queueWorkInternal(dw.cpu, wq, dw.work);
}

/**
 * `INIT_DELAYED_WORK()`: as {@link initWork} for the inner work; the timer is
 * set up unarmed. Context: any. Returns: `dwork`.
 */
export function initDelayedWork(dwork: DelayedWork, fn: WorkFn, owner: Owner = null): DelayedWork {
  checkDwork('INIT_DELAYED_WORK', dwork);
  initDelayedTimer(dwork);
  initWork(dwork.work, fn, owner);
  return finishDelayedInit(dwork);
}

/** @internal `INIT_DELAYED_WORK()` without the leak tracking (a devm delayed work is tracked by its fence). */
export function initDelayedWorkInternal(dwork: DelayedWork, fn: WorkFn, owner: Owner): void {
  initDelayedTimer(dwork);
  initWorkInternal(dwork.work, fn, owner);
  finishDelayedInit(dwork);
}

function initDelayedTimer(dwork: DelayedWork): void {
  if (dwork.timer.heapIndex >= 0) dwork.kernel.cancelTimer(dwork.timer);
}

function finishDelayedInit(dwork: DelayedWork): DelayedWork {
  dwork.timer.label = `delayed_work_timer_fn ${dwork.work.name}`;
  dwork.wq = null;
  dwork.cpu = WORK_CPU_UNBOUND;
  return dwork;
}

/** `__queue_delayed_work()`: the caller owns PENDING. Delay 0 queues now. */
function queueDelayedInternal(cpu: number, wq: Workqueue, dwork: DelayedWork, delayNs: number): void {
  const k = dwork.kernel;
  dwork.wq = wq;
  dwork.cpu = cpu;
  if (!(delayNs > 0)) {
    queueWorkInternal(cpu, wq, dwork.work);
    return;
  }
  dwork.work.pending = TIMER;
  dwork.timer.cpu = cpu === WORK_CPU_UNBOUND ? k.contextInfo().cpu : cpu;
  k.armTimer(dwork.timer, k.now + delayNs);
  k.trace('workqueue_queue_delayed_work', dwork.work.name);
}

/**
 * `queue_delayed_work_on()`: queues `dwork` on `wq` after `delayNs`
 * (0 queues at once). Context: any.
 * Returns: false if already pending (timer armed or queued) or disabled.
 */
export function queueDelayedWorkOn(cpu: number, wq: Workqueue, dwork: DelayedWork, delayNs: number): boolean {
  checkDwork('queue_delayed_work_on', dwork);
  checkQueueDelayed('queue_delayed_work_on', dwork.kernel, cpu, wq, delayNs);
  const work = dwork.work;
  if (work.pending !== IDLE || work.disable !== 0) {
    fenceRefuses(work.fence, 'queue_delayed_work');
    return false;
  }
  if (fenceRefuses(work.fence, 'queue_delayed_work')) return false;
  queueDelayedInternal(cpu, wq, dwork, delayNs);
  return true;
}

/** `queue_delayed_work()`: {@link queueDelayedWorkOn} on any CPU. Context: any. Returns: as that. */
export function queueDelayedWork(wq: Workqueue, dwork: DelayedWork, delayNs: number): boolean {
  return queueDelayedWorkOn(WORK_CPU_UNBOUND, wq, dwork, delayNs);
}

/**
 * `mod_delayed_work_on()`: (re)queues `dwork` to run after `delayNs` whatever
 * its state: an armed timer is moved, a queued item is taken back and
 * re-queued with the delay. A disabled work is only cancelled.
 * Context: any. Returns: false if it was idle (now queued), true if it was
 * pending (queued or timer armed; now moved).
 */
export function modDelayedWorkOn(cpu: number, wq: Workqueue, dwork: DelayedWork, delayNs: number): boolean {
  checkDwork('mod_delayed_work_on', dwork);
  checkQueueDelayed('mod_delayed_work_on', dwork.kernel, cpu, wq, delayNs);
  const work = dwork.work;
  const ret = grabPending(work);
  if (fenceRefuses(work.fence, 'mod_delayed_work')) return ret;
  if (work.disable === 0) queueDelayedInternal(cpu, wq, dwork, delayNs);
  return ret;
}

/** `mod_delayed_work()`: {@link modDelayedWorkOn} on any CPU. Context: any. Returns: as that. */
export function modDelayedWork(wq: Workqueue, dwork: DelayedWork, delayNs: number): boolean {
  return modDelayedWorkOn(WORK_CPU_UNBOUND, wq, dwork, delayNs);
}

/** `cancel_delayed_work()`: disarms the timer or dequeues. Does not wait. Context: any. Returns: true if it was pending. */
export function cancelDelayedWork(dwork: DelayedWork): boolean {
  checkDwork('cancel_delayed_work', dwork);
  return cancelInternal(dwork.work, false);
}

/**
 * `cancel_delayed_work_sync()`: as `cancel_work_sync()` for a delayed work
 * (timer disarmed, requeues refused while it waits for the running instance).
 * Context: may sleep. Returns: true if it was pending.
 */
export function cancelDelayedWorkSync(dwork: DelayedWork): Promise<boolean> {
  checkDwork('cancel_delayed_work_sync', dwork);
  return cancelSyncInternal(dwork.work, false, 'cancel_delayed_work_sync');
}

/** `disable_delayed_work()`: cancel and raise the disable count. Context: any. Returns: true if it was pending. */
export function disableDelayedWork(dwork: DelayedWork): boolean {
  checkDwork('disable_delayed_work', dwork);
  return cancelInternal(dwork.work, true);
}

/** `disable_delayed_work_sync()`: disable, then wait for the running instance. Context: may sleep. Returns: true if it was pending. */
export function disableDelayedWorkSync(dwork: DelayedWork): Promise<boolean> {
  checkDwork('disable_delayed_work_sync', dwork);
  return cancelSyncInternal(dwork.work, true, 'disable_delayed_work_sync');
}

/** `enable_delayed_work()`: lowers the disable count. Context: any. Returns: true when it reaches 0. */
export function enableDelayedWork(dwork: DelayedWork): boolean {
  checkDwork('enable_delayed_work', dwork);
  return enableInternal(dwork.work);
}

/**
 * `flush_delayed_work()`: if the timer is armed, disarms it and queues the
 * work at once; then flushes it. Context: may sleep.
 * Returns: true if it waited for an execution.
 */
export function flushDelayedWork(dwork: DelayedWork): Promise<boolean> {
  checkDwork('flush_delayed_work', dwork);
  const work = dwork.work;
  if (work.pending === TIMER && dwork.kernel.cancelTimer(dwork.timer) && dwork.wq !== null) {
    queueWorkInternal(dwork.cpu, dwork.wq, work);
  }
  return flushWork(work);
}

/** `delayed_work_pending()`. Context: any. */
export function delayedWorkPending(dwork: DelayedWork): boolean {
  checkDwork('delayed_work_pending', dwork);
  return dwork.work.pending !== IDLE;
}
