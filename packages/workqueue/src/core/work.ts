/**
 * Emulates include/linux/workqueue_types.h (the structs; their code is in
 * kernel/workqueue.c).
 *
 * `struct work_struct` and `struct delayed_work`: the state the kernel packs
 * into `work->data` (PENDING, the pwq or last pool, the disable count), kept
 * here as plain fields.
 *
 * Invariants:
 * - `pending !== IDLE` iff the kernel's PENDING bit would be set: the work is
 *   on a worklist / inactive list / a worker's scheduled list (`QUEUED`, with
 *   `item` set), or its delayed-work timer is armed (`TIMER`).
 * - A disabled work (`disable > 0`) is never pending: every disable grabs
 *   PENDING first, and queueing refuses a disabled work.
 * - `running` counts workers executing the function; the pool's collision
 *   rule keeps it at most 1 per workqueue.
 */
import {
  checkKernel,
  type Fence,
  type Kernel,
  type Owner,
  type TimerEntry,
  type WaitQueue,
} from '@quiesce/core-devres';
import type { ItemList, Linked } from './list.js';
import type { Pwq, Worker, WorkerPool } from './pool.js';
import type { Workqueue } from './workqueue.js';

/** A work function: process context, may sleep. */
export type WorkFn = (work: WorkStruct) => Promise<void>;

/** Not pending. */
export const IDLE = 0;
/** Pending on a delayed-work timer. */
export const TIMER = 1;
/** Pending on a list of a pool or pwq. */
export const QUEUED = 2;
export type PendingState = typeof IDLE | typeof TIMER | typeof QUEUED;

/** One queueing of a work: what sits on a worklist (the kernel links the work itself). */
export class WorkItem implements Linked<WorkItem> {
  prev: WorkItem | null = null;
  next: WorkItem | null = null;
  list: ItemList<WorkItem> | null = null;
  /** Counted in `pwq.nrActive` (on the worklist, a scheduled list, or executing). */
  active = false;

  constructor(
    readonly work: WorkStruct,
    readonly pwq: Pwq,
    /** Workqueue-wide queueing sequence: the flush "colour". */
    readonly wqSeq: number,
    /** The work's own queueing sequence, for `flush_work()`. */
    readonly workSeq: number,
  ) {}
}

export class WorkStruct {
  /** The function; set by `initWork`. */
  fn: WorkFn = noWork;
  /** Owning module (`THIS_MODULE`), null for built-in. */
  owner: Owner = null;
  /** Function name for traces and reports. */
  name = 'work';
  /** Where `initWork` was called (sanitizer stack). */
  registeredStack: string | undefined = undefined;
  /** PENDING and where. */
  pending: PendingState = IDLE;
  /** The queued instance while `pending === QUEUED`. */
  item: WorkItem | null = null;
  /** Disable count (16 bits in the kernel). */
  disable = 0;
  /** Pool the work last ran or was queued on (`get_work_pool()`). */
  lastPool: WorkerPool | null = null;
  /** Workers executing it now. */
  running = 0;
  /** The worker executing it (the last one to start, if more). */
  executing: Worker | null = null;
  /** `workSeq` of the executing instance. */
  runningSeq = 0;
  /** Successful queueings so far. */
  queueSeq = 0;
  /** Sleepers in flush_work / cancel_work_sync, allocated on first use. */
  waitq: WaitQueue | null = null;
  /** The enclosing delayed work, if any. */
  dwork: DelayedWork | null = null;
  /** The devm fence (null for an unmanaged work): once it is closed queueing is refused for good. */
  fence: Fence | null = null;

  constructor(readonly kernel: Kernel) {
    checkKernel('WorkStruct.new', kernel, 'kernel');
  }

  /** devres-managed (a core fence runs at unbind). */
  get devm(): boolean {
    return this.fence !== null;
  }

  /** True once its devm fence has started: queueing is refused from then on. */
  get fenced(): boolean {
    return this.fence?.closed === true;
  }

  /** Queue attempts refused by the fence (during its wait and after it). */
  get refusedAfterFence(): number {
    return this.fence === null ? 0 : this.fence.refused;
  }
}

export async function noWork(): Promise<void> {}

/** `struct delayed_work`: a work plus the timer that queues it. */
export class DelayedWork {
  readonly work: WorkStruct;
  /** The timer on the kernel's shared timer queue. */
  readonly timer: TimerEntry;
  /** Where the timer will queue the work. */
  wq: Workqueue | null = null;
  /** Requested CPU (`WORK_CPU_UNBOUND` = -1 for any). */
  cpu = -1;

  constructor(kernel: Kernel, timer: (dwork: DelayedWork) => TimerEntry) {
    checkKernel('DelayedWork.new', kernel, 'kernel');
    this.work = new WorkStruct(kernel);
    this.work.dwork = this;
    this.timer = timer(this);
  }

  get kernel(): Kernel {
    return this.work.kernel;
  }
}
