/**
 * Module references as the rest of the kernel takes them
 * (include/linux/module.h). `null` is built-in code: always gettable,
 * never counted.
 */
import type { Module } from './module/module.js';

/**
 * `try_module_get()`: a reference on `mod`, or false when it is GOING (or its
 * base reference or text is gone). Succeeds while COMING. Built-in (null)
 * always succeeds. Context: any. Returns: true if a reference is held.
 */
export function tryModuleGet(mod: Module | null): boolean {
  return mod === null || mod.tryGet();
}

/**
 * `module_put()`: drops a reference. Taking the count below zero WARNs
 * (`k.warn`) and changes nothing. No-op for built-in. Context: any.
 */
export function modulePut(mod: Module | null): void {
  if (mod !== null) mod.put();
}

/**
 * `__module_get()`: takes a reference even when the module is GOING; only
 * for a caller that already holds one. No-op for built-in. Context: any.
 */
export function __moduleGet(mod: Module | null): void {
  if (mod !== null) mod.get();
}

/** `module_is_live()`: true unless GOING. Context: any. */
export function moduleIsLive(mod: Module): boolean {
  return mod.live;
}

/**
 * `module_refcount()`: references held beyond the loader's base; -1 once an
 * unload has released the base. Context: any.
 */
export function moduleRefcount(mod: Module): number {
  return mod.refcount;
}
