/**
 * Device-managed resources (drivers/base/devres.c): the per-device list of
 * things to undo at unbind, newest first, and the actions API. Every entry
 * point checks `dev`, callbacks and names first (a `TypeError` naming the
 * function, the argument and the value: docs/validation.md).
 */
import { checkDevice } from '../device/check-device.js';
import type { Device, UnbindMode } from '../device/device.js';
import { KernelError } from '../kernel/errno.js';
import { mightSleep } from '../kernel/might-sleep.js';
import { checkFn, checkObject, checkOptFn, checkString } from '../kernel/validate.js';
import { checkGfp, GFP_KERNEL, gfpflagsAllowBlocking } from '../mm/gfp.js';
import { captureStack } from '../sanitizer/sanitizer.js';
import type { ManagedResource, ResourceNode } from './node.js';

/** An action as `devm_add_action` takes it: `void (*action)(void *)`. It may sleep (return a promise). */
export type DevmAction<D = unknown> = (data: D) => void | Promise<void>;

/**
 * Registers `res` on `dev`'s devres list under the lifecycle contract:
 * `devres_alloc(release, size, gfp)` + `devres_add()` in one step. The
 * building block of every `devm*`/`pcim*` function.
 * Context: may sleep with the default `GFP_KERNEL` (devres_alloc's
 * allocation: checked with might_sleep() whether or not it blocks); any
 * context with `GFP_ATOMIC`/`GFP_NOWAIT`. Errors: `-ENOMEM` (fault
 * injection), nothing registered; a `TypeError` for a `dev` that is not a
 * Device, a `res` without a string name and function (or absent)
 * `fence`/`release`, or a gfp that is not a `gfp_t`.
 */
export function devresAdd(dev: Device, res: ManagedResource, gfp: number = GFP_KERNEL): ResourceNode {
  checkDevice('devres_add', dev);
  checkResource('devres_add', res);
  checkGfp('devres_alloc', gfp);
  if (gfpflagsAllowBlocking(gfp)) mightSleep(dev.kernel, 'devres_alloc');
  return addNode(dev, res, null, undefined);
}

/** `res` as a ManagedResource: a name, and fence/release functions or absent. */
function checkResource(fnName: string, res: unknown): asserts res is ManagedResource {
  checkObject(fnName, 'res', res);
  const r = res as Partial<ManagedResource>;
  checkString(fnName, 'res.name', r.name);
  checkOptFn(fnName, 'res.fence', r.fence);
  checkOptFn(fnName, 'res.release', r.release);
}

function addNode(
  dev: Device,
  res: ManagedResource,
  action: ((data: unknown) => unknown) | null,
  data: unknown,
): ResourceNode {
  const k = dev.kernel;
  if (k.allocFails()) throw new KernelError('ENOMEM', `devres_alloc for ${res.name} on ${dev}`);
  const node: ResourceNode = {
    kind: 'resource',
    res,
    action,
    data,
    state: 'live',
    acquiredStack: captureStack(k.sanitizer.mode, 3),
  };
  dev.devres.push(node);
  k.trace('devres_add', `${dev.name}: ${res.name}`);
  return node;
}

/**
 * `devm_add_action()`: calls `action(data)` at unbind (in the release phase).
 * Context: may sleep (devres_alloc() with GFP_KERNEL; annotated with
 * might_sleep() whether or not it blocks). Errors: `-ENOMEM`; the action is
 * then not called.
 */
export function devmAddAction<D>(dev: Device, action: DevmAction<D>, data: D, name = action?.name || 'action'): void {
  checkDevice('devm_add_action', dev);
  checkFn('devm_add_action', 'action', action);
  checkString('devm_add_action', 'name', name);
  mightSleep(dev.kernel, 'devm_add_action');
  // `as`: the action is stored only as an identity for findAction(); it is called through the closure above, with its own D.
  addNode(dev, { name: `action ${name}`, release: () => action(data) }, action as (d: unknown) => unknown, data);
}

/**
 * `devm_add_action_or_reset()`: as {@link devmAddAction}, but when adding
 * fails the action runs at once and the error is thrown.
 * Context: may sleep (when the action does). Errors: `-ENOMEM`.
 */
export async function devmAddActionOrReset<D>(
  dev: Device,
  action: DevmAction<D>,
  data: D,
  name = action?.name || 'action',
): Promise<void> {
  checkDevice('devm_add_action_or_reset', dev);
  checkFn('devm_add_action_or_reset', 'action', action);
  checkString('devm_add_action_or_reset', 'name', name);
  try {
    devmAddAction(dev, action, data, name);
  } catch (e) {
    await action(data);
    throw e;
  }
}

function findAction(dev: Device, action: DevmAction<never>, data: unknown): number {
  for (let i = dev.devres.length - 1; i >= 0; i--) {
    const n = dev.devres[i];
    if (n?.kind === 'resource' && n.action === action && n.data === data && n.state === 'live') return i;
  }
  return -1;
}

/**
 * `devm_remove_action()`: drops the newest entry matching (action, data)
 * without calling it. Warns when nothing matches. Context: any.
 */
export function devmRemoveAction<D>(dev: Device, action: DevmAction<D>, data: D): void {
  checkDevice('devm_remove_action', dev);
  checkFn('devm_remove_action', 'action', action);
  // `as`: findAction compares identities only; DevmAction<never> accepts any action type.
  const i = findAction(dev, action as DevmAction<never>, data);
  if (i < 0) {
    dev.kernel.warn(dev.name, `devm_remove_action: no action ${action.name || '(anonymous)'} on ${dev}`);
    return;
  }
  dev.devres.splice(i, 1);
}

/**
 * `devm_release_action()`: drops the newest entry matching (action, data)
 * and calls it now. Warns when nothing matches. Context: may sleep (the
 * action may; annotated with might_sleep(), as an awaited release cannot run
 * inside an atomic section).
 */
export async function devmReleaseAction<D>(dev: Device, action: DevmAction<D>, data: D): Promise<void> {
  checkDevice('devm_release_action', dev);
  checkFn('devm_release_action', 'action', action);
  mightSleep(dev.kernel, 'devm_release_action');
  // `as`: findAction compares identities only; DevmAction<never> accepts any action type.
  const i = findAction(dev, action as DevmAction<never>, data);
  if (i < 0) {
    dev.kernel.warn(dev.name, `devm_release_action: no action ${action.name || '(anonymous)'} on ${dev}`);
    return;
  }
  const [node] = dev.devres.splice(i, 1) as [ResourceNode];
  await fenceNode(dev, node);
  await releaseNode(dev, node);
}

/**
 * Fences and releases the entry holding `res` now, and drops it from the
 * list (as `devm_iounmap`, `devm_free_irq` do). Returns false, with a warning,
 * when `res` is not on the list. Context: may sleep (fence and release
 * steps may; annotated with might_sleep(): see docs/devres.md for the
 * difference from `devres_release`).
 */
export async function devresReleaseResource(dev: Device, res: ManagedResource): Promise<boolean> {
  checkDevice('devres_release', dev);
  checkObject('devres_release', 'res', res);
  mightSleep(dev.kernel, 'devres_release');
  const i = dev.devres.findIndex((n) => n.kind === 'resource' && n.res === res);
  if (i < 0) {
    dev.kernel.warn(dev.name, `devres: ${res.name} is not managed by ${dev}`);
    return false;
  }
  const [node] = dev.devres.splice(i, 1) as [ResourceNode];
  await fenceNode(dev, node);
  await releaseNode(dev, node);
  return true;
}

/** Drops the entry holding `res` without running it (`devres_remove`). Returns false if absent. Context: any. */
export function devresRemoveResource(dev: Device, res: ManagedResource): boolean {
  checkDevice('devres_remove', dev);
  checkObject('devres_remove', 'res', res);
  const i = dev.devres.findIndex((n) => n.kind === 'resource' && n.res === res);
  if (i < 0) return false;
  dev.devres.splice(i, 1);
  return true;
}

/** @internal Runs the fence step of a node once. */
export async function fenceNode(dev: Device, node: ResourceNode): Promise<void> {
  if (node.state !== 'live') return;
  if (node.res.fence) {
    dev.kernel.trace('devres_fence', `${dev.name}: ${node.res.name}`);
    await node.res.fence();
  }
  node.state = 'fenced';
}

/** @internal Runs the release step of a node; a second release is a `double-release` report. */
export async function releaseNode(dev: Device, node: ResourceNode): Promise<void> {
  const k = dev.kernel;
  if (node.state === 'released') {
    k.sanitizer.report({
      kind: 'double-release',
      title: `BUG: KASAN: double-free in devres release of ${node.res.name}`,
      resource: node.res.name,
      detail: `${node.res.name} on ${dev} was already released`,
      stacks: { ...k.stack(), ...(node.acquiredStack ? { acquired: node.acquiredStack } : {}) },
    });
    return;
  }
  node.state = 'released';
  k.trace('devres_release', `${dev.name}: ${node.res.name}`);
  await node.res.release();
}

/**
 * Tears down `nodes` (given oldest first) in `mode`: `two-phase` fences all
 * newest first, then releases all newest first; `lifo` fences and releases
 * each newest first. Returns the number of resources released.
 */
export async function releaseNodes(dev: Device, nodes: readonly ResourceNode[], mode: UnbindMode): Promise<number> {
  const newestFirst = [...nodes].reverse();
  // A failing step does not stop the teardown (the kernel's release functions
  // return void): every node is still fenced and released, then the first
  // failure is thrown (docs/validation.md).
  const failures: unknown[] = [];
  const step = async (f: () => Promise<unknown>): Promise<void> => {
    try {
      await f();
    } catch (e) {
      failures.push(e);
    }
  };
  if (mode === 'two-phase') {
    for (const n of newestFirst) await step(() => fenceNode(dev, n));
    for (const n of newestFirst) await step(() => releaseNode(dev, n));
  } else {
    for (const n of newestFirst) {
      await step(() => fenceNode(dev, n));
      await step(() => releaseNode(dev, n));
    }
  }
  if (failures.length > 0) throw failures[0];
  return newestFirst.length;
}

/**
 * `devres_release_all()`: empties the list and tears every resource down in
 * the device's unbind mode. Returns the number released. Context: may sleep
 * (annotated with might_sleep(): release actions may sleep).
 */
export async function devresReleaseAll(dev: Device): Promise<number> {
  checkDevice('devres_release_all', dev);
  mightSleep(dev.kernel, 'devres_release_all');
  const nodes = dev.devres.splice(0).filter((n): n is ResourceNode => n.kind === 'resource');
  return releaseNodes(dev, nodes, dev.mode);
}
