/**
 * What a module is made of before it is loaded: the `.ko` file, reduced to
 * the parts the lifecycle needs (name, `module_init`, `module_exit`, the
 * `EXPORT_SYMBOL`s, the undefined symbols it imports, the drivers it
 * registers through `module_driver()`).
 */
import type { BusType, Driver } from '@quiesce/core-devres';
import { KernelError } from '@quiesce/core-devres';
import type { Module } from './module.js';

/** `module_init` / `module_exit`: receive the module itself (`THIS_MODULE`). May sleep. */
export type ModuleHook = (mod: Module) => Promise<void> | void;

/**
 * A driver the module registers on a bus at load and unregisters at unload.
 * `driver` is called with `THIS_MODULE` and must return a driver whose
 * `owner` is that module (the C macros fill `.owner = THIS_MODULE` the same way).
 */
export interface ModuleDriverSpec {
  readonly bus: BusType;
  readonly driver: (mod: Module) => Driver;
}

export interface ModuleDefinition {
  /** Module name (`KBUILD_MODNAME`). At most {@link MODULE_NAME_LEN} - 1 characters. */
  readonly name: string;
  /** `module_init()`; absent as in a module without one. Throw a KernelError to fail the load. */
  readonly init?: ModuleHook;
  /** `module_exit()`; absent means the module cannot be unloaded unless forced. */
  readonly exit?: ModuleHook;
  /** `EXPORT_SYMBOL()`s: name → value (usually a function). */
  readonly exports?: Readonly<Record<string, unknown>>;
  /** Undefined symbols resolved at load; each pins the module that provides it. */
  readonly imports?: readonly string[];
  /**
   * Drivers registered after `init` succeeds and unregistered (unbinding
   * their devices) before `exit` runs. A module that defines `init` but no
   * `exit` stays permanent, drivers included, exactly as in C.
   */
  readonly drivers?: readonly ModuleDriverSpec[];
  /** Size shown by `lsmod` (bytes, default 16384). */
  readonly size?: number;
}

/** `MODULE_NAME_LEN` (64 - sizeof(unsigned long)) on 64-bit. */
export const MODULE_NAME_LEN = 56;

/**
 * Checks and returns a module definition. Context: any.
 * Errors: `-EINVAL` for an empty name or one containing `/`;
 * `-ENAMETOOLONG` is not modelled: a name of MODULE_NAME_LEN or more is `-EINVAL` here.
 */
export function defineModule(def: ModuleDefinition): ModuleDefinition {
  if (def.name.length === 0 || def.name.includes('/') || def.name.length >= MODULE_NAME_LEN) {
    throw new KernelError('EINVAL', `bad module name '${def.name}'`);
  }
  return Object.freeze({ ...def });
}
