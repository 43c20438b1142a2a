/**
 * The owner check at callback dispatch, shared by every subsystem that calls
 * a driver's function pointer (timers, work, IRQ handlers, file operations).
 */
import type { Kernel } from './kernel.js';
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
): boolean {
  if (owner === null || !owner.textFreed) return true;
  reportExecuteAfterFree(k, owner, fnName, kind, registeredStack);
  return false;
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
