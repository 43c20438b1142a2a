/**
 * The owner check at callback dispatch, shared by every subsystem that calls
 * a driver's function pointer (timers, work, IRQ handlers, file operations).
 */
import { checkKernel } from './check-kernel.js';
import type { Kernel } from './kernel.js';
import { KernelLocal } from './kernel-local.js';
import { type Owner, symbolName } from './owner.js';

/**
 * True when a callback owned by `owner` may be called. When the owner's text
 * has been freed (module unloaded), files an `execute-after-free` report
 * naming the module, the callback and where it was registered, and returns
 * false: the caller must not call it. One branch when the owner is built-in
 * or live. Context: any.
 */
export function callbackRunnable(
  k: Kernel,
  owner: Owner,
  fnName: string,
  kind: string,
  registeredStack: string | undefined,
  fn?: object,
): boolean {
  // No checkKernel here: every callback dispatch of every subsystem runs
  // this, with the kernel its own object was made with (docs/validation.md, "Hot paths").
  // A registration that names no owner (a missing `.owner = THIS_MODULE`)
  // still runs code that lives in some module: look the text up.
  const o = owner ?? (fn === undefined ? null : (textMap(k).get(fn) ?? null));
  if (o === null || !o.textFreed) return true;
  reportExecuteAfterFree(k, o, fnName, kind, registeredStack);
  return false;
}

const TEXT = new KernelLocal(() => new WeakMap<object, NonNullable<Owner>>());

function textMap(k: Kernel): WeakMap<object, NonNullable<Owner>> {
  return TEXT.get(k);
}

/**
 * Records that `fns` are text of module `owner` (what `__module_address()`
 * answers in the kernel from a function's address). Lets the dispatchers
 * catch an execute-after-free even through a registration that forgot its
 * `.owner`. Context: any.
 */
export function registerModuleText(k: Kernel, owner: NonNullable<Owner>, ...fns: object[]): void {
  checkKernel('registerModuleText', k);
  const m = textMap(k);
  for (const f of fns) m.set(f, owner);
}

/** The module whose text holds `fn`, or null for built-in code (`__module_address`). */
export function textOwnerOf(k: Kernel, fn: object): Owner {
  checkKernel('textOwnerOf', k);
  return textMap(k).get(fn) ?? null;
}

function reportExecuteAfterFree(
  k: Kernel,
  owner: NonNullable<Owner>,
  fnName: string,
  kind: string,
  registeredStack: string | undefined,
): void {
  const sym = symbolName(fnName || '(anonymous)', owner);
  k.sanitizer.report({
    kind: 'execute-after-free',
    title: `BUG: unable to handle page fault: execute-after-free in ${sym}`,
    resource: sym,
    detail: `${kind} callback ${sym} called after module ${owner.name} was unloaded; the call was not made`,
    stacks: { ...k.stack(), ...(registeredStack !== undefined ? { acquired: registeredStack } : {}) },
  });
  k.trace('execute-after-free', `${kind} ${sym}`);
}
