/**
 * `request_irq` / `free_irq` / `synchronize_irq` / `devm_request_irq`
 * (kernel/irq/manage.c, devres.c).
 *
 * Ordering guarantee of `free_irq`: the action is unlinked first (no new
 * pass calls it), then `synchronize_irq` waits for any pass still running
 * on another CPU. When it returns, the handler is not running and never
 * runs again.
 */
import {
  captureStack,
  currentBindingDevice,
  type Device,
  devresAdd,
  type Kernel,
  KernelError,
  type Owner,
  trackResource,
} from '@quiesce/core-devres';
import { IRQF_SHARED } from '../pci/constants.js';
import { type IrqAction, type IrqHandler, irqTable } from './irq-desc.js';

/**
 * `request_irq()`: adds `handler` to `irq`. `owner` is the module owning the
 * handler's code (dispatch is owner-checked); `devId` is the cookie handed
 * to the handler and matched by {@link freeIrq}.
 * Context: may sleep. Errors: `-EINVAL` for an unknown IRQ, or IRQF_SHARED
 * without a devId; `-EBUSY` when the IRQ has an action and the two do not
 * both pass IRQF_SHARED ("Flags mismatch").
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
  if (!k.mightSleep('request_irq')) return;
  setupIrq(k, irq, handler, flags, name, devId, owner, false);
}

function setupIrq(
  k: Kernel,
  irq: number,
  handler: IrqHandler,
  flags: number,
  name: string,
  devId: unknown,
  owner: Owner,
  managed: boolean,
): void {
  const t = irqTable(k);
  const desc = t.descs.get(irq);
  if ((flags & IRQF_SHARED) !== 0 && (devId === null || devId === undefined)) {
    throw new KernelError('EINVAL', `request_irq(${irq}, ${name}): IRQF_SHARED without dev_id`);
  }
  if (desc === undefined) throw new KernelError('EINVAL', `request_irq(${irq}, ${name}): no such IRQ`);
  const old = desc.actions[0];
  if (old !== undefined && (old.flags & flags & IRQF_SHARED) === 0) {
    k.trace('irq_mismatch', `Flags mismatch irq ${irq}. ${hex8(flags)} (${name}) vs. ${hex8(old.flags)} (${old.name})`);
    throw new KernelError(
      'EBUSY',
      `Flags mismatch irq ${irq}. ${hex8(flags)} (${name}) vs. ${hex8(old.flags)} (${old.name})`,
    );
  }
  const action: IrqAction = { handler, flags, name, devId, owner, stack: captureStack(k.sanitizer.mode, 3) };
  desc.actions.push(action);
  k.trace('request_irq', `${irq} ${name}`);
  // A line asserted before anyone listened fires as soon as there is a handler.
  if (desc.flow === 'level' && desc.asserted.size > 0 && desc.inProgress === 0) t.kick(desc);
  const dev = currentBindingDevice(k);
  if (dev !== null) {
    trackResource(dev, {
      description: `irq ${irq} ${name}`,
      busy: () => desc.actions.includes(action),
      managed,
      acquiredStack: action.stack,
    });
  }
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * `synchronize_irq()`: waits until no handler of `irq` runs on any CPU.
 * Context: may sleep.
 */
export async function synchronizeIrq(k: Kernel, irq: number): Promise<void> {
  if (!k.mightSleep('synchronize_irq')) return;
  const desc = irqTable(k).descs.get(irq);
  if (desc === undefined) return;
  for (const a of desc.actions) k.lockdep?.touch(k.lockdep.classOf(`irq ${a.name}`), 'synchronize_irq');
  await desc.wq.waitEvent(() => !desc.running, `synchronize_irq ${irq}`);
}

/**
 * `free_irq()`: removes the action of `irq` registered with `devId`, then
 * waits for a running handler. Returns the name the action was requested
 * with, or null (with the kernel's "Trying to free already-free IRQ"
 * warning) when there is none. Context: may sleep.
 */
export async function freeIrq(k: Kernel, irq: number, devId: unknown): Promise<string | null> {
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
  return action.name;
}

/**
 * `devm_request_irq()`: {@link requestIrq}, undone at unbind. Fence:
 * `free_irq` (unlink, then wait for a running handler); release: nothing.
 * Context: may sleep. Errors: as {@link requestIrq}, `-ENOMEM`.
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
  const k = dev.kernel;
  if (!k.mightSleep('devm_request_irq')) return;
  setupIrq(k, irq, handler, flags, name, devId, owner, true);
  try {
    devresAdd(dev, {
      name: `irq ${irq} ${name}`,
      fence: async () => {
        await freeIrq(k, irq, devId);
      },
      release: () => {},
    });
  } catch (e) {
    await freeIrq(k, irq, devId);
    throw e;
  }
}

/** `disable_irq_nosync()`: stops passes of `irq` (nested). Context: any. */
export function disableIrqNosync(k: Kernel, irq: number): void {
  const desc = irqTable(k).descs.get(irq);
  if (desc) desc.depth++;
}

/** `enable_irq()`: undoes one disable; unbalanced enables warn. Context: any. */
export function enableIrq(k: Kernel, irq: number): void {
  const t = irqTable(k);
  const desc = t.descs.get(irq);
  if (!desc) return;
  if (desc.depth === 0) {
    k.warn(`irq ${irq}`, `Unbalanced enable for IRQ ${irq}`);
    return;
  }
  if (--desc.depth === 0 && desc.flow === 'level' && desc.asserted.size > 0) t.kick(desc);
}
