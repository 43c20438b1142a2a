/**
 * `request_threaded_irq` / `devm_request_threaded_irq` (kernel/irq/manage.c,
 * kernel/irq/devres.c). The thread itself is in irq-thread.ts.
 */
import {
  checkKernel,
  checkObject,
  checkOptFn,
  type Device,
  type Kernel,
  KernelError,
  type Owner,
  orNull,
} from '@quiesce/core-devres';
import type { IrqAction, IrqHandler } from './irq-desc.js';
import type { IrqThreadFn } from './irq-thread.js';
import { checkIrqArgs, devmIrqFence, irqDefaultPrimaryHandler, setupIrq, trackIrq } from './request-irq.js';

/** Each callback a function, null or undefined (C's NULL). */
function checkFns(fn: string, handler: unknown, threadFn: unknown): void {
  checkOptFn(fn, 'handler', handler);
  checkOptFn(fn, 'thread_fn', threadFn);
}

/** Resolves the primary handler: NULL means the default one, which needs a thread function. */
function primary(
  k: Kernel,
  fn: string,
  irq: number,
  handler: IrqHandler | null,
  threadFn: IrqThreadFn | null,
): IrqHandler {
  if (handler !== null) return handler;
  if (threadFn === null) {
    k.trace('irq_setup', `${fn}(${irq}): neither handler nor thread_fn`);
    throw new KernelError('EINVAL', `${fn}(${irq}): handler and thread_fn are both NULL`);
  }
  return irqDefaultPrimaryHandler;
}

/**
 * `request_threaded_irq()`: `handler` runs in hardirq context; when it
 * returns `IRQ_WAKE_THREAD`, `threadFn` runs in the action's kernel thread
 * `irq/N-name` (process context, may sleep). A null `handler` uses the
 * default primary handler (wake the thread), and then `IRQF_ONESHOT` is
 * required unless the chip is one-shot safe (PCI-MSI). `IRQF_ONESHOT` keeps
 * the line masked until `threadFn` returns. `owner` is checked before each
 * handler and thread call (execute-after-free).
 * Context: may sleep. Errors: `-EINVAL` (both null; NULL handler without
 * ONESHOT on a line that needs it; unknown IRQ; IRQF_SHARED without devId),
 * `-EBUSY` (flags mismatch with an existing action, ONESHOT included).
 * TypeError when a callback is neither a function nor null/undefined, or
 * for an irq or flags no `unsigned int` holds, a name that is not a
 * string, an owner that is not a module or null.
 */
export async function requestThreadedIrq(
  k: Kernel,
  irq: number,
  handler: IrqHandler | null,
  threadFn: IrqThreadFn | null,
  flags: number,
  name: string,
  devId: unknown,
  owner: Owner,
): Promise<void> {
  const action = setupThreaded(k, 'request_threaded_irq', irq, handler, threadFn, flags, name, devId, owner);
  if (action !== null) trackIrq(k, irq, action);
}

/**
 * The shared entry of both threaded forms: checks the callbacks and the
 * context, picks the primary handler, links the action with its thread.
 * Returns: the action, or null when called from atomic context (reported).
 */
function setupThreaded(
  k: Kernel,
  what: string,
  irq: number,
  handler: IrqHandler | null,
  threadFn: IrqThreadFn | null,
  flags: number,
  name: string,
  devId: unknown,
  owner: Owner,
): IrqAction | null {
  checkKernel(what, k);
  checkFns(what, handler, threadFn);
  checkIrqArgs(what, irq, flags, name, owner);
  if (!k.mightSleep(what)) return null;
  const h = orNull(handler);
  const t = orNull(threadFn);
  return setupIrq(k, irq, primary(k, what, irq, h, t), flags, name, devId, owner, t);
}

/**
 * `devm_request_threaded_irq()`: {@link requestThreadedIrq} undone at unbind.
 * Fence: `free_irq` (unlink, wait for the hardirq handler, then for the
 * thread function, stop the thread); release: nothing.
 * Context: may sleep. Errors: as requestThreadedIrq, `-ENOMEM`.
 */
export async function devmRequestThreadedIrq(
  dev: Device,
  irq: number,
  handler: IrqHandler | null,
  threadFn: IrqThreadFn | null,
  flags: number,
  name: string,
  devId: unknown,
  owner: Owner,
): Promise<void> {
  checkObject('devm_request_threaded_irq', 'dev', dev);
  const action = setupThreaded(
    dev.kernel,
    'devm_request_threaded_irq',
    irq,
    handler,
    threadFn,
    flags,
    name,
    devId,
    owner,
  );
  if (action !== null) await devmIrqFence(dev, irq, devId, action);
}
