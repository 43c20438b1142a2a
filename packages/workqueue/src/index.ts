/**
 * @quiesce/workqueue: workqueues, work and delayed work items, and the
 * kworker tasks that run them in process context (kernel/workqueue.c).
 */

export {
  allocDelayedWork,
  cancelDelayedWork,
  cancelDelayedWorkSync,
  delayedWorkPending,
  disableDelayedWork,
  disableDelayedWorkSync,
  enableDelayedWork,
  flushDelayedWork,
  initDelayedWork,
  modDelayedWork,
  modDelayedWorkOn,
  queueDelayedWork,
  queueDelayedWorkOn,
} from './api/delayed.js';
export { workqueueSetMaxActive, wqClampMaxActive } from './api/max-active.js';
export {
  allocWork,
  cancelWork,
  cancelWorkSync,
  disableWork,
  disableWorkSync,
  enableWork,
  flushWork,
  initWork,
  queueWork,
  queueWorkOn,
  workBusy,
  workDisableCount,
  workPending,
  workRunning,
} from './api/work.js';
export {
  allocOrderedWorkqueue,
  allocWorkqueue,
  DRAIN_MAX_TRIES,
  destroyWorkqueue,
  drainWorkqueue,
  flushWorkqueue,
  scheduleDelayedWork,
  scheduleWork,
  systemUnboundWq,
  systemWq,
  workqueueInFlight,
} from './api/workqueue.js';
export {
  __WQ_ORDERED,
  WORK_BUSY_PENDING,
  WORK_BUSY_RUNNING,
  WORK_CPU_UNBOUND,
  WORK_OFFQ_DISABLE_BITS,
  WORK_OFFQ_DISABLE_MAX,
  WQ_CPU_INTENSIVE,
  WQ_DFL_ACTIVE,
  WQ_FREEZABLE,
  WQ_HIGHPRI,
  WQ_MAX_ACTIVE,
  WQ_MEM_RECLAIM,
  WQ_UNBOUND,
} from './core/flags.js';
export { pools, Worker, WorkerPool } from './core/pool.js';
export { DelayedWork, type WorkFn, WorkStruct } from './core/work.js';
export { Workqueue } from './core/workqueue.js';
export { devmAllocWorkqueue, devmDelayedWorkInit, devmWorkInit } from './lifecycle/devm.js';
