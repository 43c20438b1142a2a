/**
 * The fence of one resource (the fence half of the lifecycle contract,
 * docs/devres.md): the state every subsystem's fence used to keep on its
 * own, kept once. No single kernel file: it is the shape shared by
 * `hrtimer_cancel` (kernel/time/hrtimer.c), `disable_work_sync`
 * (kernel/workqueue.c), `free_irq` (kernel/irq/manage.c) and a synchronous
 * misc deregister (drivers/char/misc.c plus the missing fence).
 *
 * # Invariants
 * - `closed` goes false → true once, in the same synchronous step that
 *   starts the fence, *before* the subsystem's quiesce step is called. It
 *   never goes back: a rebind sets up a new fence.
 * - `state` is `open` → `fencing` (quiesce running) → `fenced` (quiesce
 *   returned). `closed` is true in both later states.
 * - While `closed`, the subsystem starts nothing new for the resource: it asks
 *   {@link fenceRefuses} before arming, queueing, opening or dispatching.
 * - The one `callback-after-fence` report of the sanitizer is filed here and
 *   nowhere else ({@link fenceReportCallback}).
 *
 * Why the flag comes first: a task runs until its next await
 * (docs/runtime.md, Scheduling), but the quiesce step *does* await — it
 * waits for a callback still running on another CPU, a work still
 * executing, an ioctl still in the driver. Whatever runs during that wait
 * (the end of the callback's span returning RESTART, the work requeueing
 * itself, another timer or an IRQ queueing it, a user's open or ioctl) sees
 * the flag and is refused. Setting the flag after the wait is safe only if
 * the subsystem's own wait loop also absorbs every restart (hrtimer_cancel
 * retries), and then nothing says why; setting it first makes "nothing new
 * is accepted during the wait" hold by construction, for every subsystem.
 */

import { checkKernel } from '../kernel/check-kernel.js';
import type { Kernel } from '../kernel/kernel.js';
import { mightSleep } from '../kernel/might-sleep.js';
import { Completion } from '../kernel/sync/completion.js';
import { badArg, checkFn, checkObject, checkString } from '../kernel/validate.js';
import { captureStack } from '../sanitizer/sanitizer.js';

/** `open`: not fenced; `fencing`: the quiesce step runs; `fenced`: it returned. */
export type FenceState = 'open' | 'fencing' | 'fenced';

/**
 * What an attempt to start new work *after* the fence resolved means:
 * - `report`: the kernel's primitive would have let it through (an
 *   `hrtimer_start` after `hrtimer_cancel` arms the timer again), so it is
 *   the driver's bug: a `callback-after-fence` report, then refused;
 * - `refuse`: the kernel refuses it too, by design (`queue_work` on a
 *   disabled work returns false; an ioctl on a file whose device was
 *   deregistered synchronously fails `-ENODEV`): refused and counted only.
 *
 * During the fence (state `fencing`) an attempt is always refused quietly:
 * the kernel's own wait absorbs it too (`hrtimer_cancel` cancels a re-arm,
 * `cancel_work_sync` fails a self-requeue), so a correct driver makes them.
 */
export type LateStart = 'report' | 'refuse';

/** What a subsystem supplies: its quiesce step, and how late starts count. */
export interface FenceOps {
  /**
   * Waits until nothing of the resource runs, is queued or is armed
   * (`hrtimer_cancel`, `disable_work_sync`, `free_irq`, draining in-flight
   * file operations). Called once, with the fence already closed.
   * Context: may sleep.
   */
  quiesce(): Promise<void>;
  /** See {@link LateStart}. Default `report`. */
  lateStart?: LateStart;
  /** Where the resource was acquired (for reports); captured at {@link fenceInit} when absent. */
  acquiredStack?: string | undefined;
}

/** One resource's fence: the fenced flag, its state, and what it refused. */
export class Fence {
  /** The fenced flag: true from the moment the fence starts. Read on hot paths: a plain field. */
  closed = false;
  state: FenceState = 'open';
  /** Attempts refused because the fence was closed (during and after the wait). */
  refused = 0;
  /** Where the resource was acquired (sanitizer stack). */
  readonly acquiredStack: string | undefined;
  /** @internal Where a second {@link fenceSync} sleeps until the first is done (made on first use). */
  waiters: Completion | null = null;
  /** @internal The quiesce step returned or threw: later callers do not wait. */
  finished = false;
  /** @internal */
  readonly lateStart: LateStart;
  /** @internal */
  readonly quiesce: () => Promise<void>;

  /** See {@link fenceInit} (the same checks, the same errors). */
  constructor(
    readonly kernel: Kernel,
    /** `hrtimer edu_poll`, `work edu_work`, `misc edu`, `irq 24 edu`: the resource in reports and traces. */
    readonly name: string,
    ops: FenceOps,
  ) {
    checkFenceOps('fence_init', kernel, name, ops);
    this.quiesce = ops.quiesce;
    this.lateStart = ops.lateStart ?? 'report';
    this.acquiredStack = ops.acquiredStack ?? captureStack(kernel.sanitizer.mode, 4);
  }
}

/** The arguments of a new fence, checked before it exists (docs/validation.md). Context: any. Errors: see {@link fenceInit}. */
export function checkFenceOps(fnName: string, k: unknown, name: unknown, ops: unknown): asserts ops is FenceOps {
  checkKernel(fnName, k);
  checkString(fnName, 'name', name);
  checkObject(fnName, 'ops', ops);
  const o = ops as Partial<FenceOps>;
  checkFn(fnName, 'ops.quiesce', o.quiesce);
  if (o.lateStart !== undefined && o.lateStart !== 'report' && o.lateStart !== 'refuse')
    throw badArg(fnName, 'ops.lateStart', "'report', 'refuse' or undefined", o.lateStart);
  if (o.acquiredStack !== undefined && typeof o.acquiredStack !== 'string')
    throw badArg(fnName, 'ops.acquiredStack', 'a string or undefined', o.acquiredStack);
}

/** Throws a `TypeError` unless `fence` is a {@link Fence}. Context: any. */
export function checkFence(fnName: string, fence: unknown): asserts fence is Fence {
  if (!(fence instanceof Fence)) throw badArg(fnName, 'fence', 'a Fence', fence);
}

/**
 * fenceInit - set up an open fence for a resource.
 * @param k the kernel.
 * @param name the resource, as reports and traces name it (`hrtimer edu_poll`).
 * @param ops the subsystem's quiesce step (see {@link FenceOps}).
 *
 * Context: any. Returns: the fence, open. Use {@link devmFence} to put it
 * on a device's devres list; a fence not on any list is run by the caller
 * with {@link fenceSync} (as a synchronous misc deregister is).
 * Errors: a `TypeError` (`fence_init: ops.quiesce must be a function, got
 * undefined`) when `k` is not a Kernel, `name` not a string, `ops` not an
 * object, `ops.quiesce` not a function, `ops.lateStart` neither `report`
 * nor `refuse` (nor absent) or `ops.acquiredStack` not a string.
 * No kernel counterpart (each kernel subsystem keeps its own flag).
 */
export function fenceInit(k: Kernel, name: string, ops: FenceOps): Fence {
  return new Fence(k, name, ops);
}

/**
 * fenceSync - close the fence, then wait for the resource to quiesce.
 * @param fence the fence.
 *
 * Sets the fenced flag first (see the file comment for why), then calls the
 * subsystem's quiesce step and waits for it. A second call (a devres fence
 * after an explicit teardown, two deregisters) waits for the first and
 * returns; the quiesce step runs once.
 * Context: may sleep. Returns: when nothing of the resource runs, is queued
 * or armed, and nothing new can start. Errors: whatever the quiesce step
 * throws (the fence then stays closed: nothing restarts a broken resource);
 * a `TypeError` (rejected promise, nothing closed) when `fence` is not a Fence.
 */
export async function fenceSync(fence: Fence): Promise<void> {
  checkFence('fence_sync', fence);
  // Sleeps even when already closed (it waits); annotated whether or not it blocks.
  mightSleep(fence.kernel, 'fence_sync');
  if (fence.closed) return waitFenced(fence);
  const k = fence.kernel;
  // Synchronous up to the first await: the flag is set in the caller's step.
  fence.closed = true;
  fence.state = 'fencing';
  k.trace('fence_close', fence.name);
  try {
    await fence.quiesce();
    fence.state = 'fenced';
    k.trace('fence_done', fence.name);
  } finally {
    fence.finished = true;
    fence.waiters?.completeAll();
  }
}

/** A second caller: sleeps (a kernel wait, so the scheduler sees it) until the first caller's quiesce is over. */
async function waitFenced(fence: Fence): Promise<void> {
  if (fence.finished) return;
  if (fence.waiters === null) fence.waiters = new Completion(fence.kernel, `fence ${fence.name}`);
  await fence.waiters.waitForCompletion();
}

/**
 * fenceRefuses - may `what` start new work on the fenced resource?
 * @param fence the resource's fence, or null when it has none (not managed).
 * @param what the attempt, as reports name it: `hrtimer_start`, `queue_work`, `open`.
 *
 * The query a subsystem makes where it arms, queues, opens or dispatches.
 * Open (or null): false, at the cost of one field load. Closed: the attempt
 * is refused and counted (trace `fence_refused`); after the fence resolved,
 * with `lateStart: 'report'`, it is also the `callback-after-fence` report.
 * Context: any (atomic included). Returns: true when the caller must refuse.
 * `undefined` is read as null. Errors: a `TypeError` when a closed `fence`
 * is not a Fence or `what` not a string; an open fence costs its one load
 * and is not checked (the hot path of every arm and queue: the fence was
 * checked when it was made).
 */
export function fenceRefuses(fence: Fence | null, what: string): boolean {
  if (fence == null || fence.closed === false) return false;
  checkFence('fence_refuses', fence);
  checkString('fence_refuses', 'what', what);
  fence.refused++;
  fence.kernel.trace('fence_refused', `${fence.name}: ${what} (${fence.state})`);
  if (fence.state === 'fenced' && fence.lateStart === 'report') {
    fenceReportCallback(
      fence,
      what,
      `${fence.name} was fenced at unbind; ${what} would run its callback after the fence. Refused: the resource stays idle.`,
    );
  }
  return true;
}

/**
 * fenceReportCallback - file the `callback-after-fence` report for `fence`.
 * @param fence the fenced resource.
 * @param what what tried to run or start (`hrtimer_start`, `work dispatch`).
 * @param detail one or two sentences for the report.
 *
 * The only place that files this kind: a callback of the resource was
 * about to run, or be armed, after its fence. The caller does not make the
 * call. The stacks are the access and the acquisition; the
 * fence's own start is in the trace (`fence_close`), not captured as a
 * stack: a stack per fence per unbind would cost every explored schedule,
 * for a report that a correct driver never gets.
 * Context: any. Returns: nothing. Errors: a `TypeError` when `fence` is
 * not a Fence or `what`/`detail` not strings (nothing is reported then).
 */
export function fenceReportCallback(fence: Fence, what: string, detail: string): void {
  checkFence('fence_report_callback', fence);
  checkString('fence_report_callback', 'what', what);
  checkString('fence_report_callback', 'detail', detail);
  const k = fence.kernel;
  const stacks: { access?: string; acquired?: string } = { ...k.stack() };
  if (fence.acquiredStack !== undefined) stacks.acquired = fence.acquiredStack;
  k.trace('callback-after-fence', `${fence.name}: ${what}`);
  k.sanitizer.report({
    kind: 'callback-after-fence',
    title: `BUG: ${what} on fenced ${fence.name}`,
    resource: fence.name,
    detail,
    stacks,
  });
}
