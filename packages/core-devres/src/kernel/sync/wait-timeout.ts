/**
 * Waiting with a timeout (include/linux/wait.h: `wait_event_timeout`,
 * `wait_event_interruptible_timeout`). Timeouts are in jiffies (kernel/jiffies.ts).
 *
 * Return values, as the kernel's `___wait_cond_timeout` defines them:
 * - 0 if the condition is still false when the timeout has elapsed;
 * - 1 if it became true just as the timeout elapsed (or the timeout was 0
 *   and it already held);
 * - otherwise the jiffies left, at least 1 (the full timeout when it already
 *   held at the call).
 *
 * No signals exist in quiesce, so the interruptible form never returns
 * `-ERESTARTSYS`; it differs from the uninterruptible one only in what a
 * blocked task reports it waits on (an interruptible sleep is not a hung
 * task).
 */
import { checkKernel } from '../check-kernel.js';
import { scheduleTimeoutWith } from '../jiffies.js';
import type { Kernel } from '../kernel.js';
import { badArg, checkFn } from '../validate.js';
import { WaitQueue } from './wait-queue.js';

/** `-ERESTARTSYS` (512): never returned here, exported for callers that compare against it. */
export const ERESTARTSYS = -512;

async function waitTimeout(
  k: Kernel,
  wq: WaitQueue,
  cond: () => boolean,
  timeout: number,
  what: string,
  sleepState: string,
): Promise<number> {
  checkKernel(what, k);
  if (!(wq instanceof WaitQueue)) throw badArg(what, 'wq_head', 'a WaitQueue', wq);
  checkFn(what, 'condition', cond);
  if (!Number.isInteger(timeout)) throw badArg(what, 'timeout', 'an integer (jiffies)', timeout);
  if (!k.mightSleep(what)) return cond() ? Math.max(1, timeout) : 0;
  await k.yield(); // a scheduling point, as every sleeping primitive here is
  let ret = timeout;
  for (;;) {
    // ___wait_cond_timeout(): true ends the wait; a true condition with no time left reads as 1.
    const c = cond();
    if (c && ret === 0) ret = 1;
    if (c || ret === 0) return ret;
    ret = await scheduleTimeoutWith(k, ret, what, (w) => wq.sleepOnce(`${sleepState} ${wq.name}`, w));
  }
}

/**
 * `wait_event_timeout(wq, condition, timeout)`: sleeps (uninterruptibly)
 * until `cond()` holds or `timeout` jiffies pass. `MAX_SCHEDULE_TIMEOUT`
 * waits for ever. Context: may sleep (`sleep-in-atomic` from atomic
 * context; it then does not wait and answers from the condition).
 * Returns: 0, 1 or the jiffies left (see the file comment).
 * TypeError for a `k` that is not a Kernel, a `wq` that is not a WaitQueue,
 * a condition that is not a function or a timeout that is not an integer; a negative timeout is the kernel's "wrong timeout value"
 * error and the result is 0 (or 1 when the condition holds).
 */
export function waitEventTimeout(k: Kernel, wq: WaitQueue, cond: () => boolean, timeout: number): Promise<number> {
  return waitTimeout(k, wq, cond, timeout, 'wait_event_timeout', 'wait_event_timeout');
}

/**
 * `wait_event_interruptible_timeout(wq, condition, timeout)`: as
 * {@link waitEventTimeout}, in TASK_INTERRUPTIBLE. Never `-ERESTARTSYS`:
 * quiesce has no signals (a deliberate difference). Context: may sleep.
 */
export function waitEventInterruptibleTimeout(
  k: Kernel,
  wq: WaitQueue,
  cond: () => boolean,
  timeout: number,
): Promise<number> {
  return waitTimeout(k, wq, cond, timeout, 'wait_event_interruptible_timeout', 'wait_event_interruptible');
}
