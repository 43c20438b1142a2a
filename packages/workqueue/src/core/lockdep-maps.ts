/**
 * The workqueue's lockdep maps (kernel/workqueue.c: `wq->lockdep_map`,
 * `work->lockdep_map`), named as the kernel names them:
 * `(wq_completion)NAME` and `(work_completion)NAME`. A running work holds
 * both; `flush_work`/`cancel_work_sync` take the work's,
 * `flush_workqueue`/`drain_workqueue`/`destroy_workqueue` the queue's
 * (docs/design.md §5). Only called when lockdep is on.
 */
import type { LockClass, Lockdep } from '@quiesce/core-devres';

/** The map of workqueue `name`. */
export function wqMap(ld: Lockdep, name: string): LockClass {
  return ld.classOf(`(wq_completion)${name}`);
}

/** The map of work `name` (a class per work function name, as INIT_WORK's static key per call site). */
export function workMap(ld: Lockdep, name: string): LockClass {
  return ld.classOf(`(work_completion)${name}`);
}
