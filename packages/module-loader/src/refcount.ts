/**
 * Module references as the rest of the kernel takes them
 * (include/linux/module.h). `null` is built-in code: always gettable,
 * never counted, and `undefined` is read as null. Anything that is not a
 * Module is a `TypeError` (docs/validation.md).
 */
import { badArg } from '@quiesce/core-devres';
import { Module } from './module/module.js';

/** `mod` as C's `struct module *`: undefined is NULL (built-in); anything but a Module is a TypeError. */
function moduleArg(fnName: string, mod: unknown, nullable: boolean): Module | null {
  if (nullable && (mod === null || mod === undefined)) return null;
  if (!(mod instanceof Module)) throw badArg(fnName, 'mod', nullable ? 'a Module or null' : 'a Module', mod);
  return mod;
}

/**
 * `try_module_get()`: a reference on `mod`, or false when it is GOING (or its
 * base reference or text is gone). Succeeds while COMING. Built-in (null)
 * always succeeds. Context: any. Returns: true if a reference is held.
 */
export function tryModuleGet(mod: Module | null): boolean {
  const m = moduleArg('try_module_get', mod, true);
  return m === null || m.tryGet();
}

/**
 * `module_put()`: drops a reference. Taking the count below zero WARNs
 * (`k.warn`) and changes nothing. No-op for built-in. Context: any.
 */
export function modulePut(mod: Module | null): void {
  moduleArg('module_put', mod, true)?.put();
}

/**
 * `__module_get()`: takes a reference even when the module is GOING; only
 * for a caller that already holds one. No-op for built-in. Context: any.
 */
export function __moduleGet(mod: Module | null): void {
  moduleArg('__module_get', mod, true)?.get();
}

/** `module_is_live()`: true unless GOING. Context: any. */
export function moduleIsLive(mod: Module): boolean {
  return (moduleArg('module_is_live', mod, false) as Module).live;
}

/**
 * `module_refcount()`: references held beyond the loader's base; -1 once an
 * unload has released the base. Context: any.
 */
export function moduleRefcount(mod: Module): number {
  return (moduleArg('module_refcount', mod, false) as Module).refcount;
}
