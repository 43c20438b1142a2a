/**
 * `request_irq` / `free_irq` / `synchronize_irq` / `devm_request_irq`
 * (kernel/irq/manage.c, devres.c). The threaded forms are in threaded-irq.ts.
 *
 * Ordering guarantee of `free_irq`: the action is unlinked first (no new
 * pass calls it), then `synchronize_irq` waits for any pass still running
 * on another CPU, then the action's thread (if any) is stopped. When it
 * returns, neither the handler nor the thread function is running, and
 * neither runs again.
 */
import {
  badArg,
  captureStack,
  checkKernel,
  checkObject,
  checkString,
  checkU32,
  currentBindingDevice,
  type Device,
  devmFence,
  type Kernel,
  KernelError,
  type Owner,
  trackResource,
} from '@quiesce/core-devres';
import { IRQ_WAKE_THREAD, IRQF_ONESHOT, IRQF_SHARED } from '../pci/constants.js';
import { type IrqAction, type IrqDesc, type IrqHandler, irqTable } from './irq-desc.js';
import { IrqThread, type IrqThreadFn } from './irq-thread.js';

/**
 * `irq_default_primary_handler()`: the primary handler used when a threaded
 * IRQ is requested with a NULL handler; it only wakes the thread.
 * Context: hardirq.
 */
export function irqDefaultPrimaryHandler(_irq: number, _devId: unknown): number {
  return IRQ_WAKE_THREAD;
}

/**
 * `request_irq()`: adds `handler` to `irq`. `owner` is the module owning the
 * handler's code (dispatch is owner-checked); `devId` is the cookie handed
 * to the handler and matched by {@link freeIrq}.
 * Context: may sleep. Errors: `-EINVAL` for a NULL handler (the kernel's
 * `request_threaded_irq` with both handlers NULL), an unknown IRQ, or
 * IRQF_SHARED without a devId; `-EBUSY` when the IRQ has an action and the
 * two do not both pass IRQF_SHARED ("Flags mismatch"). TypeError for a
 * handler that is not a function.
 * Differences: the kernel's signature has no owner (a module's handler is
 * tied to it implicitly); here it is explicit, as `THIS_MODULE` elsewhere.
 */
export async function requestIrq(
  k: Kernel,
  irq: number,
  handler: IrqHandler,
  flags: number,
  name: string,
  devId: unknown,
  owner: Owner,
): Promise<void> {
  checkKernel('request_irq', k);
  checkHandler('request_irq', irq, handler);
  checkIrqArgs('request_irq', irq, flags, name, owner);
  if (!k.mightSleep('request_irq')) return;
  trackIrq(k, irq, setupIrq(k, irq, handler, flags, name, devId, owner));
}

/**
 * `request_irq(irq, NULL, …)` is `request_threaded_irq` with both handlers
 * NULL: `-EINVAL`. Anything that is not a function is a TypeError.
 */
function checkHandler(fn: string, irq: number, handler: unknown): void {
  if (handler === null || handler === undefined) throw new KernelError('EINVAL', `${fn}(${irq}): NULL handler`);
  if (typeof handler !== 'function') throw new TypeError(`${fn}: handler must be a function, got ${String(handler)}`);
}

/**
 * @internal The scalar arguments of every request form: `irq` and `flags`
 * are `unsigned int`/`unsigned long` (a `TypeError` for NaN, fractions,
 * negatives), `name` a string, `owner` a module or null (undefined read as
 * null). Unknown IRQ numbers are the kernel's `-EINVAL`, left to setupIrq.
 */
export function checkIrqArgs(fnName: string, irq: unknown, flags: unknown, name: unknown, owner: unknown): void {
  checkU32(fnName, 'irq', irq);
  checkU32(fnName, 'irqflags', flags);
  checkString(fnName, 'devname', name);
  if (owner !== null && owner !== undefined && typeof owner !== 'object')
    throw badArg(fnName, 'owner', 'a module or null', owner);
}

/**
 * @internal Records an unmanaged IRQ of the device being bound for the
 * leak check at unbind (busy while its action is linked).
 */
export function trackIrq(k: Kernel, irq: number, action: IrqAction): void {
  const dev = currentBindingDevice(k);
  if (dev === null) return;
  const desc = irqTable(k).descs.get(irq) as IrqDesc; // setupIrq just linked an action to it
  trackResource(dev, {
    description: `irq ${irq} ${action.name}`,
    busy: () => desc.actions.includes(action),
    managed: false,
    acquiredStack: action.stack,
  });
}

/**
 * @internal `__setup_irq()`: validates and links a new action (with its
 * thread when `threadFn` is given). Shared by the plain and threaded forms.
 */
export function setupIrq(
  k: Kernel,
  irq: number,
  handler: IrqHandler,
  flags: number,
  name: string,
  devId: unknown,
  owner: Owner,
  threadFn: IrqThreadFn | null = null,
): IrqAction {
  const t = irqTable(k);
  const desc = t.descs.get(irq);
  if ((flags & IRQF_SHARED) !== 0 && (devId === null || devId === undefined)) {
    throw new KernelError('EINVAL', `request_irq(${irq}, ${name}): IRQF_SHARED without dev_id`);
  }
  if (desc === undefined) throw new KernelError('EINVAL', `request_irq(${irq}, ${name}): no such IRQ`);
  // IRQCHIP_ONESHOT_SAFE chips (MSI) need no masking: the flag is dropped.
  if (desc.oneshotSafe) flags &= ~IRQF_ONESHOT;
  const old = desc.actions[0];
  if (old !== undefined && ((old.flags & flags & IRQF_SHARED) === 0 || ((old.flags ^ flags) & IRQF_ONESHOT) !== 0)) {
    k.trace('irq_mismatch', `Flags mismatch irq ${irq}. ${hex8(flags)} (${name}) vs. ${hex8(old.flags)} (${old.name})`);
    throw new KernelError(
      'EBUSY',
      `Flags mismatch irq ${irq}. ${hex8(flags)} (${name}) vs. ${hex8(old.flags)} (${old.name})`,
    );
  }
  if (handler === irqDefaultPrimaryHandler && (flags & IRQF_ONESHOT) === 0 && !desc.oneshotSafe) {
    const msg = `Threaded irq requested with handler=NULL and !ONESHOT for ${name} (irq ${irq})`;
    k.trace('irq_setup', msg);
    throw new KernelError('EINVAL', msg);
  }
  const stack = captureStack(k.sanitizer.mode, 3);
  const oneshot = (flags & IRQF_ONESHOT) !== 0;
  const thread = threadFn === null ? null : new IrqThread(k, t, desc, threadFn, name, devId, owner, oneshot, stack);
  const action: IrqAction = { handler, flags, name, devId, owner, stack, thread };
  desc.actions.push(action);
  k.trace('request_irq', `${irq} ${name}`);
  // A line asserted before anyone listened fires as soon as there is a handler.
  if (desc.flow === 'level' && desc.asserted.size > 0 && desc.inProgress === 0) t.kick(desc);
  return action;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * `synchronize_irq()`: waits until no handler of `irq` runs on any CPU and
 * no woken thread function of it is still pending or running.
 * Context: may sleep.
 */
export async function synchronizeIrq(k: Kernel, irq: number): Promise<void> {
  checkKernel('synchronize_irq', k);
  checkU32('synchronize_irq', 'irq', irq);
  if (!k.mightSleep('synchronize_irq')) return;
  const desc = irqTable(k).descs.get(irq);
  if (desc === undefined) return;
  for (const a of desc.actions) k.lockdep?.touch(k.lockdep.classOf(`irq ${a.name}`), 'synchronize_irq');
  await desc.wq.waitEvent(() => !desc.running && desc.threadsActive === 0, `synchronize_irq ${irq}`);
}

/**
 * `free_irq()`: removes the action of `irq` registered with `devId`, then
 * waits for a running handler, then (threaded) stops the action's thread:
 * a thread function that is running, or woken and pending, finishes first.
 * Returns the name the action was requested with, or null (with the
 * kernel's "Trying to free already-free IRQ" warning) when there is none.
 * Context: may sleep (from the IRQ's own thread it never returns).
 */
export async function freeIrq(k: Kernel, irq: number, devId: unknown): Promise<string | null> {
  checkKernel('free_irq', k);
  checkU32('free_irq', 'irq', irq);
  if (!k.mightSleep('free_irq')) return null;
  const desc = irqTable(k).descs.get(irq);
  const i = desc === undefined ? -1 : desc.actions.findIndex((a) => a.devId === devId);
  if (desc === undefined || i < 0) {
    k.warn(`irq ${irq}`, `Trying to free already-free IRQ ${irq}`);
    return null;
  }
  const [action] = desc.actions.splice(i, 1) as [IrqAction];
  k.trace('free_irq', `${irq} ${action.name}`);
  // lockdep: waiting for the handler is taking its map (under a lock the handler takes: a cycle).
  k.lockdep?.touch(k.lockdep.classOf(`irq ${action.name}`), 'free_irq');
  await desc.wq.waitEvent(() => !desc.running, `synchronize_irq ${irq}`);
  if (action.thread !== null) await action.thread.stop();
  return action.name;
}

/**
 * `devm_request_irq()`: {@link requestIrq}, undone at unbind by a core
 * fence whose quiesce step is `free_irq` (unlink, then wait for a running
 * handler); release: nothing. The fence closes before `free_irq` runs, and
 * `free_irq` unlinks the action before it waits, so a pass that starts
 * during the wait (an edge raised meanwhile) does not call the handler.
 * The fence tracks the IRQ for the leak check (busy while linked).
 * Context: may sleep. Errors: as {@link requestIrq}, `-ENOMEM` (the IRQ is
 * freed again).
 */
export async function devmRequestIrq(
  dev: Device,
  irq: number,
  handler: IrqHandler,
  flags: number,
  name: string,
  devId: unknown,
  owner: Owner,
): Promise<void> {
  checkObject('devm_request_irq', 'dev', dev);
  const k = dev.kernel;
  checkHandler('devm_request_irq', irq, handler);
  checkIrqArgs('devm_request_irq', irq, flags, name, owner);
  if (!k.mightSleep('devm_request_irq')) return;
  await devmIrqFence(dev, irq, devId, setupIrq(k, irq, handler, flags, name, devId, owner));
}

/**
 * @internal The devm half of `devm_request_irq()` and
 * `devm_request_threaded_irq()`: a core fence whose quiesce step is
 * `free_irq` for the action just linked; on -ENOMEM the IRQ is freed again.
 */
export async function devmIrqFence(dev: Device, irq: number, devId: unknown, action: IrqAction): Promise<void> {
  const k = dev.kernel;
  const desc = irqTable(k).descs.get(irq) as IrqDesc; // setupIrq just linked an action to it
  try {
    devmFence(dev, `irq ${irq} ${action.name}`, {
      quiesce: async () => {
        await freeIrq(k, irq, devId);
      },
      lateStart: 'refuse',
      acquiredStack: action.stack,
      busy: () => desc.actions.includes(action),
    });
  } catch (e) {
    await freeIrq(k, irq, devId);
    throw e;
  }
}

/** `disable_irq_nosync()`: stops passes of `irq` (nested). Context: any. */
export function disableIrqNosync(k: Kernel, irq: number): void {
  checkKernel('disable_irq_nosync', k);
  checkU32('disable_irq_nosync', 'irq', irq);
  const desc = irqTable(k).descs.get(irq);
  if (desc) desc.depth++;
}

/**
 * `disable_irq()`: {@link disableIrqNosync}, then waits for a running
 * handler (and woken thread function) to finish. Context: may sleep.
 */
export async function disableIrq(k: Kernel, irq: number): Promise<void> {
  checkKernel('disable_irq', k);
  checkU32('disable_irq', 'irq', irq);
  if (!k.mightSleep('disable_irq')) return;
  disableIrqNosync(k, irq);
  await synchronizeIrq(k, irq);
}

/** `enable_irq()`: undoes one disable; unbalanced enables warn. Context: any. */
export function enableIrq(k: Kernel, irq: number): void {
  checkKernel('enable_irq', k);
  checkU32('enable_irq', 'irq', irq);
  const t = irqTable(k);
  const desc = t.descs.get(irq);
  if (!desc) return;
  if (desc.depth === 0) {
    k.warn(`irq ${irq}`, `Unbalanced enable for IRQ ${irq}`);
    return;
  }
  if (--desc.depth === 0 && desc.flow === 'level' && desc.asserted.size > 0) t.kick(desc);
}
