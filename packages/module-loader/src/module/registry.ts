/**
 * The per-kernel module list and symbol table (`modules`, the vmlinux export
 * table), and which module's init/exit the current task is running.
 *
 * There is no `module_mutex`: every check-and-update in this package is
 * synchronous, and the simulated scheduler never switches inside synchronous
 * code, so each is atomic exactly as it is under the mutex in C.
 */
import { checkKernel, checkString, type Kernel, KernelLocal, type Task } from '@quiesce/core-devres';
import type { Module } from './module.js';

const KEY = new KernelLocal(() => new ModuleRegistry());

export class ModuleRegistry {
  /** Loaded modules, newest first (`list_add_rcu(&mod->list, &modules)`). */
  readonly modules: Module[] = [];
  /** Symbols exported by built-in code (vmlinux). */
  readonly builtinSymbols = new Map<string, unknown>();
  /** Task → module whose init or exit it is running (for `thisModule`). */
  readonly running = new Map<Task, Module>();
}

/** The module registry of `k` (created on first use). */
export function moduleRegistry(k: Kernel): ModuleRegistry {
  return KEY.get(k);
}

/**
 * `find_module()`: the loaded module called `name`, skipping UNFORMED ones
 * (a module still being formed is not visible). Context: any.
 * Returns: the module or null. Errors: a `TypeError` when `name` is not a string.
 */
export function findModule(k: Kernel, name: string): Module | null {
  checkKernel('find_module', k);
  checkString('find_module', 'name', name);
  for (const m of moduleRegistry(k).modules) if (m.name === name && m.state !== 'UNFORMED') return m;
  return null;
}

/**
 * `THIS_MODULE` seen from kernel code: the module whose init or exit the
 * current task is running, or null (built-in) elsewhere, including atomic
 * context. Context: any. Prefer the `mod` argument init/exit receive.
 */
export function thisModule(k: Kernel): Module | null {
  checkKernel('THIS_MODULE', k);
  const t = k.current;
  return t === null ? null : (moduleRegistry(k).running.get(t) ?? null);
}

/** @internal Runs `fn` with `mod` as the current task's `THIS_MODULE`. */
export async function runAs(k: Kernel, mod: Module, fn: () => Promise<void> | void): Promise<void> {
  const t = k.current;
  if (t === null) {
    await fn();
    return;
  }
  const reg = moduleRegistry(k);
  const prev = reg.running.get(t);
  reg.running.set(t, mod);
  try {
    await fn();
  } finally {
    if (prev === undefined) reg.running.delete(t);
    else reg.running.set(t, prev);
  }
}
