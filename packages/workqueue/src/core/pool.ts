/**
 * Emulates kernel/workqueue.c.
 *
 * Worker pools, kworkers and pool_workqueues (the middle of kernel/workqueue.c).
 *
 * - A {@link WorkerPool} is per CPU (`kworker/<cpu>:<n>`) or the unbound pool
 *   (`kworker/u<pool>:<n>`). Its workers are kernel tasks that take items off
 *   the pool's worklist in FIFO order and park in an idle wait when it is
 *   empty (an idle kworker is not a deadlock).
 * - A {@link Pwq} links one workqueue to one pool and applies `max_active`:
 *   items beyond it wait on the pwq's FIFO inactive list.
 * - Non-reentrancy: a worker that picks an item whose work another worker of
 *   the pool is executing hands the item to that worker's scheduled list
 *   (`move_linked_works` on collision), so the second run starts after the
 *   first ends, on the same worker.
 *
 * Deliberate difference: pools are not concurrency-managed (quiesce has no
 * hook at the point a worker sleeps). A worker is woken or created for each
 * item the pool's awake workers cannot take, as unbound pools do; concurrency
 * is bounded by `max_active`. Idle workers are never reaped.
 */
import {
  callbackRunnable,
  checkKernel,
  fenceReportCallback,
  type Kernel,
  KernelLocal,
  type Task,
  WaitQueue,
  WeakSlot,
} from '@quiesce/core-devres';
import { ItemList } from './list.js';
import { workMap, wqMap } from './lockdep-maps.js';
import { IDLE, type WorkItem, type WorkStruct } from './work.js';
import type { Workqueue } from './workqueue.js';

/** Task → worker, for `current_wq_worker()`. */
// A WeakSlot, not a WeakMap: the worker reaches its task (core-devres kernel/weak-slot.ts).
const workerOf = new WeakSlot<Task, Worker>('workqueue worker');

/** The worker the current task is, or null (`current_wq_worker()`). Context: any. */
export function currentWorker(k: Kernel): Worker | null {
  const t = k.current;
  return t === null ? null : (workerOf.get(t) ?? null);
}

export class Worker {
  task!: Task;
  /** The item being executed. */
  current: WorkItem | null = null;
  /** Items that collided with the one executing (run next, on this worker). */
  readonly scheduled = new ItemList<WorkItem>();
  /** Parked in the pool's idle list. */
  idle = false;
  /** Woken or created for an item and not yet looking at the worklist. */
  waking = false;

  constructor(
    readonly pool: WorkerPool,
    readonly id: number,
  ) {}
}

export class WorkerPool {
  readonly worklist = new ItemList<WorkItem>();
  readonly idleWorkers: Worker[] = [];
  readonly workers: Worker[] = [];
  private nextWorkerId = 0;
  private nrWaking = 0;

  constructor(
    readonly kernel: Kernel,
    readonly id: number,
    /** CPU of a per-CPU pool; -1 for the unbound pool. */
    readonly cpu: number,
  ) {
    checkKernel('WorkerPool.new', kernel, 'kernel');
  }

  /** `kick_pool()`: makes sure a worker will look at the newest item. Context: any. */
  kick(): void {
    if (this.worklist.length <= this.nrWaking) return;
    this.nrWaking++;
    const w = this.idleWorkers.pop();
    if (w !== undefined) {
      w.idle = false;
      w.waking = true;
      this.kernel.wake(w.task);
      return;
    }
    // No idle worker. A worker of this pool queueing (chained work) will come
    // back to the worklist after its item: no new worker (as the kernel's
    // manager creates workers only when none is idle at the start of an item).
    const me = currentWorker(this.kernel);
    if (me !== null && me.pool === this) {
      this.nrWaking--;
      return;
    }
    this.createWorker().waking = true;
  }

  /** `create_worker()`: a new kworker task on the pool's CPU. */
  private createWorker(): Worker {
    const w = new Worker(this, this.nextWorkerId++);
    const name = this.cpu >= 0 ? `kworker/${this.cpu}:${w.id}` : `kworker/u${this.id}:${w.id}`;
    w.task = this.kernel.spawn(name, () => workerThread(w), this.cpu >= 0 ? this.cpu : undefined);
    workerOf.set(w.task, w);
    this.workers.push(w);
    return w;
  }

  /** @internal a woken worker reached its loop. */
  woke(w: Worker): void {
    if (w.waking) {
      w.waking = false;
      this.nrWaking--;
    }
  }

  /** `find_worker_executing_work()`. */
  findWorkerExecuting(work: WorkStruct): Worker | null {
    const w = work.executing;
    return w !== null && w.pool === this && w.current !== null && w.current.work === work ? w : null;
  }
}

/** `struct pool_workqueue`: one workqueue on one pool, with `max_active`. */
export class Pwq {
  nrActive = 0;
  readonly inactive = new ItemList<WorkItem>();

  constructor(
    readonly wq: Workqueue,
    readonly pool: WorkerPool,
  ) {}

  /** Puts `item` on the worklist if under `max_active` and nothing waits before it; else on the inactive list. */
  insert(item: WorkItem): void {
    if (this.inactive.length === 0 && this.nrActive < this.wq.maxActive) {
      this.nrActive++;
      item.active = true;
      this.pool.worklist.push(item);
      this.pool.kick();
    } else {
      this.inactive.push(item);
    }
  }

  /** An active item left (ran or was cancelled): activate the oldest inactive one(s). */
  activeDone(): void {
    this.nrActive--;
    this.activateInactive();
  }

  /** Activates inactive items, oldest first, while under `max_active` (also after `max_active` grows). */
  activateInactive(): void {
    for (let next = this.inactive.head; next !== null && this.nrActive < this.wq.maxActive; next = this.inactive.head) {
      this.inactive.remove(next);
      this.nrActive++;
      next.active = true;
      this.pool.worklist.push(next);
      this.pool.kick();
    }
  }
}

/**
 * `pwq_dec_nr_in_flight()`: `item` is done (executed or cancelled): release
 * its `max_active` slot and its flush colour. Context: any.
 */
export function itemDone(item: WorkItem): void {
  if (item.active) {
    item.active = false;
    item.pwq.activeDone();
  }
  item.pwq.wq.inFlightDone(item.wqSeq);
}

/** Wakes flush_work/cancel_work_sync sleepers of `work`. */
export function wakeWorkWaiters(work: WorkStruct): void {
  const q = work.waitq;
  if (q !== null && q.waiters > 0) q.wakeUp();
}

/** The sleepers' queue of `work`, created on first use. */
export function workWaitq(work: WorkStruct): WaitQueue {
  if (work.waitq === null) work.waitq = new WaitQueue(work.kernel, `flush ${work.name}`);
  return work.waitq;
}

/** `worker_thread()`: take items (scheduled list first, then the worklist) until none, then idle. */
async function workerThread(w: Worker): Promise<void> {
  const pool = w.pool;
  const k = pool.kernel;
  for (;;) {
    pool.woke(w);
    let item = w.scheduled.shift();
    if (item === null) {
      item = pool.worklist.shift();
      if (item === null) {
        w.idle = true;
        pool.idleWorkers.push(w);
        await k.idleWait('worker idle');
        continue;
      }
      const other = pool.findWorkerExecuting(item.work);
      if (other !== null && other !== w) {
        // Non-reentrancy: the worker already running this work runs it again after.
        other.scheduled.push(item);
        continue;
      }
    }
    await processOneWork(w, item);
    // cond_resched() after each item, as process_one_work() does: a work
    // that requeues itself without sleeping must not starve everyone else.
    await k.yield();
  }
}

/** `process_one_work()`: clear PENDING, run the function (owner-checked), then release the item. */
/**
 * process_one_work()'s check after the work function returns: still atomic
 * (a spinlock or preempt_disable left held), or a lock (lockdep on) or an
 * RCU read-side section left open, is "BUG: workqueue leaked atomic, lock or
 * RCU", printed with the worker and the function; execution goes on, as in
 * the kernel (the leak stays). Filed as a `warn` report.
 */
function checkLeaked(k: Kernel, me: Task, fn: string, locks0: number, rcu0: number): void {
  const locks = me.heldLocks?.length ?? 0;
  if (me.preemptCount === 0 && locks === locks0 && me.rcuDepth === rcu0) return;
  const preempt = `0x${me.preemptCount.toString(16).padStart(8, '0')}`;
  const detail = `preempt=${preempt} lock=${locks0}->${locks} RCU=${rcu0}->${me.rcuDepth} workfn=${fn}`;
  k.sanitizer.report({
    kind: 'warn',
    title: `BUG: workqueue leaked atomic, lock or RCU: ${me.name}[${me.pid}]`,
    resource: `work ${fn}`,
    detail,
    stacks: k.stack(),
  });
  k.trace('warn', `workqueue leaked atomic, lock or RCU: ${detail}`);
}

async function processOneWork(w: Worker, item: WorkItem): Promise<void> {
  const work = item.work;
  const k = w.pool.kernel;
  // pool->lock taken by worker_thread, dropped around the function; set_work_pool_and_clear_pending()'s smp_mb().
  k.census?.countAll(
    'spin_lock_irqsave',
    'spin_unlock_irqrestore',
    'spin_lock_irqsave',
    'spin_unlock_irqrestore',
    'barrier',
  );
  work.pending = IDLE;
  work.item = null;
  work.lastPool = w.pool;
  work.running++;
  work.executing = w;
  work.runningSeq = item.workSeq;
  w.current = item;
  k.trace('workqueue_execute_start', work.name);
  // lockdep: running a work holds its workqueue's map and its own (process_one_work).
  const ld = k.lockdep;
  const maps = ld === null ? null : [wqMap(ld, item.pwq.wq.name), workMap(ld, work.name)];
  if (maps !== null) for (const m of maps) ld?.acquire(m, `process_one_work ${work.name}`);
  try {
    const fence = work.fence;
    if (fence?.closed) {
      // Unreachable while disable_work_sync holds; if it is not, the core files the one report.
      fenceReportCallback(
        fence,
        'work dispatch',
        `work ${work.name} was fenced at unbind (disable_work_sync) but a worker was about to run it; the call was not made`,
      );
    } else if (callbackRunnable(k, work.owner, work.name, 'work', work.registeredStack)) {
      const me = k.current;
      const locks = me?.heldLocks?.length ?? 0;
      const rcu = me?.rcuDepth ?? 0;
      await work.fn(work);
      if (me !== null) checkLeaked(k, me, work.name, locks, rcu);
    }
  } finally {
    if (maps !== null) for (const m of maps) ld?.release(m);
    w.current = null;
    work.running--;
    if (work.executing === w) work.executing = null;
    k.trace('workqueue_execute_end', work.name);
    itemDone(item);
    wakeWorkWaiters(work);
  }
}

/** The per-kernel pools. */
export class PoolRegistry {
  readonly cpuPools: WorkerPool[];
  readonly unbound: WorkerPool;

  constructor(k: Kernel) {
    this.cpuPools = [];
    for (let c = 0; c < k.cpus; c++) this.cpuPools.push(new WorkerPool(k, c, c));
    this.unbound = new WorkerPool(k, k.cpus, -1);
  }
}

const POOLS = new KernelLocal((k: Kernel) => new PoolRegistry(k));

/** The worker pools of `k` (created on first use). Context: any. */
export function pools(k: Kernel): PoolRegistry {
  checkKernel('pools', k);
  return POOLS.get(k);
}
