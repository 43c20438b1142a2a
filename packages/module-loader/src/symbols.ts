/**
 * Symbols between modules (kernel/module/main.c: find_symbol, ref_module,
 * resolve_symbol, __symbol_get/__symbol_put). A module that imports a symbol
 * pins the module providing it: the provider's refcount goes up and the
 * importer appears in its "used by" list until the importer is unloaded.
 */
import {
  callbackRunnable,
  captureStack,
  checkKernel,
  checkString,
  type Kernel,
  KernelError,
  WeakSlot,
} from '@quiesce/core-devres';
import type { Module } from './module/module.js';
import { moduleRegistry } from './module/registry.js';

/** Where a symbol was found: `owner` null for built-in code. */
export interface FoundSymbol {
  readonly owner: Module | null;
  readonly value: unknown;
}

/**
 * `EXPORT_SYMBOL()` from built-in code (vmlinux): a symbol no module owns.
 * Context: any. Errors: `-EEXIST` if built-in code already exports `name`;
 * a `TypeError` when `name` is not a string.
 */
export function exportSymbol(k: Kernel, name: string, value: unknown): void {
  checkKernel('EXPORT_SYMBOL', k);
  checkString('EXPORT_SYMBOL', 'name', name);
  const reg = moduleRegistry(k);
  if (reg.builtinSymbols.has(name)) throw new KernelError('EEXIST', `built-in symbol ${name} exported twice`);
  reg.builtinSymbols.set(name, value);
}

/**
 * `find_symbol()`: built-in code first, then every module that is not
 * UNFORMED (a GOING module is still found; pinning it then fails).
 * Context: any. Returns: the symbol and its owner, or null. Errors: a
 * `TypeError` when `name` is not a string.
 */
export function findSymbol(k: Kernel, name: string): FoundSymbol | null {
  checkKernel('find_symbol', k);
  checkString('find_symbol', 'name', name);
  const reg = moduleRegistry(k);
  if (reg.builtinSymbols.has(name)) return { owner: null, value: reg.builtinSymbols.get(name) };
  for (const m of reg.modules) {
    if (m.state === 'UNFORMED' || m.def.exports === undefined) continue;
    if (Object.hasOwn(m.def.exports, name)) return { owner: m, value: m.def.exports[name] };
  }
  return null;
}

/**
 * `strong_try_module_get()`: a reference on a provider, refusing one that is
 * still running its init. Context: any.
 * Returns: 0, `-EBUSY` (COMING) or `-ENOENT` (GOING or gone).
 */
export function strongTryModuleGet(mod: Module | null): 0 | -16 | -2 {
  if (mod === null) return 0;
  if (mod.state === 'COMING') return -16;
  return mod.tryGet() ? 0 : -2;
}

/**
 * `ref_module(a, b)`: module `a` uses `b`. Takes a reference on `b` once per
 * (a, b) pair and links them. Context: any.
 * Errors: `-EBUSY` if `b` is COMING, `-ENOENT` if it is GOING or gone.
 */
export function refModule(a: Module, b: Module | null): void {
  if (b === null || a.uses.includes(b)) return;
  const err = strongTryModuleGet(b);
  if (err === -16) throw new KernelError('EBUSY', `${a.name}: module ${b.name} is still initialising`);
  if (err === -2) throw new KernelError('ENOENT', `${a.name}: module ${b.name} is going away`);
  // list_add: newest user first, as /proc/modules prints them.
  b.usedBy.unshift(a);
  a.uses.unshift(b);
}

/**
 * `symbol_get()`: the value of an exported symbol with a reference on its
 * module, or null when nobody exports it or its module cannot be pinned
 * (initialising, going). Release with {@link symbolPut}. Context: any.
 *
 * A function exported by a module comes back as a guarded pointer to it:
 * calling it after the module's text is gone (the reference was dropped with
 * `symbol_put` and the module unloaded, or a forced unload) is an
 * `execute-after-free` report naming the symbol and where it was taken, and
 * the call is not made (it returns undefined). While the module lives the
 * guard is one branch. The same symbol always yields the same guard.
 * Differences: the kernel (6.6+) only hands out EXPORT_SYMBOL_GPL symbols
 * here; quiesce has no licences, so any export is returned. TypeError when
 * `name` is not a string.
 */
export function symbolGet<T = unknown>(k: Kernel, name: string): T | null {
  checkKernel('symbol_get', k);
  checkString('symbol_get', 'symbol', name);
  const s = findSymbol(k, name);
  if (s === null || strongTryModuleGet(s.owner) !== 0) return null;
  if (s.owner === null || typeof s.value !== 'function') return s.value as T;
  return guarded(k, s.owner, name, s.value as (...a: unknown[]) => unknown) as T;
}

// A WeakSlot, not a WeakMap: the guard reaches the function it guards (core-devres kernel/weak-slot.ts).
const guards = new WeakSlot<object, (...a: unknown[]) => unknown>('symbol_get guard');

/** The guard of a module function taken with symbol_get: owner-checked at every call. */
function guarded(
  k: Kernel,
  owner: Module,
  name: string,
  fn: (...a: unknown[]) => unknown,
): (...a: unknown[]) => unknown {
  const cached = guards.get(fn);
  if (cached !== undefined) return cached;
  const taken = captureStack(k.sanitizer.mode, 3);
  const g = function (this: unknown, ...args: unknown[]): unknown {
    if (!callbackRunnable(k, owner, name, 'symbol_get', taken, fn)) return undefined;
    return fn.apply(this, args);
  };
  Object.defineProperty(g, 'name', { value: name });
  guards.set(fn, g);
  return g;
}

/**
 * `symbol_put()`: drops the reference {@link symbolGet} took.
 * Context: any. A symbol nobody exports is a kernel `BUG()` (`BUG_ON(!find_symbol())`):
 * throws an `Error` starting "kernel BUG", an oops as in C. A `TypeError`
 * when `name` is not a string.
 */
export function symbolPut(k: Kernel, name: string): void {
  checkKernel('symbol_put', k);
  checkString('symbol_put', 'symbol', name);
  const s = findSymbol(k, name);
  if (s === null) throw new Error(`kernel BUG: symbol_put(${name}): no such symbol`);
  if (s.owner !== null) s.owner.put();
}
