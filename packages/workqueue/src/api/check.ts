/**
 * Argument checks shared by the workqueue API (docs/validation.md): run first
 * in each entry point, before any state changes.
 */
import { badArg, checkDelayNs, checkObject, type Kernel } from '@quiesce/core-devres';
import { WORK_CPU_UNBOUND } from '../core/flags.js';
import { DelayedWork, WorkStruct } from '../core/work.js';
import { Workqueue } from '../core/workqueue.js';

/**
 * Throws a TypeError unless `cpu` is `WORK_CPU_UNBOUND` (-1) or a CPU of `k`
 * (C indexes a per-CPU array with it: any other value is no CPU). Context: any.
 */
export function checkWorkCpu(fnName: string, k: Kernel, cpu: unknown): asserts cpu is number {
  if (!Number.isInteger(cpu) || (cpu as number) < WORK_CPU_UNBOUND || (cpu as number) >= k.cpus)
    throw badArg(fnName, 'cpu', `WORK_CPU_UNBOUND (-1) or a CPU in [0, ${k.cpus})`, cpu);
}

/** Throws a TypeError unless `wq` is a workqueue (C's NULL `wq` oopses). Context: any. */
export function checkWq(fnName: string, wq: unknown): asserts wq is Workqueue {
  checkObject(fnName, 'wq', wq);
  if (!(wq instanceof Workqueue)) throw badArg(fnName, 'wq', 'a workqueue', wq);
}

/** All the checks of a `queue_delayed_work_on`-style call. Context: any. */
export function checkQueueDelayed(fnName: string, k: Kernel, cpu: unknown, wq: unknown, delayNs: unknown): void {
  checkWorkCpu(fnName, k, cpu);
  checkWq(fnName, wq);
  checkDelayNs(fnName, 'delay', delayNs);
}

/** Throws a TypeError unless `work` is a `WorkStruct` (C dereferences the `struct work_struct *` at once). Context: any. */
export function checkWork(fnName: string, work: unknown): asserts work is WorkStruct {
  if (!(work instanceof WorkStruct)) throw badArg(fnName, 'work', 'a WorkStruct', work);
}

/** Throws a TypeError unless `dwork` is a `DelayedWork`. Context: any. */
export function checkDwork(fnName: string, dwork: unknown): asserts dwork is DelayedWork {
  if (!(dwork instanceof DelayedWork)) throw badArg(fnName, 'dwork', 'a DelayedWork', dwork);
}
