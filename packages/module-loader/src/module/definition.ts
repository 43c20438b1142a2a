/**
 * What a module is made of before it is loaded: the `.ko` file, reduced to
 * the parts the lifecycle needs (name, `module_init`, `module_exit`, the
 * `EXPORT_SYMBOL`s, the undefined symbols it imports, the drivers it
 * registers through `module_driver()`).
 */
import type { BusType, Driver } from '@quiesce/core-devres';
import {
  badArg,
  checkFn,
  checkIntRange,
  checkObject,
  checkOptFn,
  checkString,
  KernelError,
} from '@quiesce/core-devres';
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
 * Throws unless `def` is a module definition a `.ko` could hold: a
 * `TypeError` for a part of the wrong type (a name that is not a string, a
 * hook that is not a function, imports that are not strings, a driver spec
 * without a bus or a maker, a size that is not a byte count); `-EINVAL` for
 * an empty name, one containing `/`, or one of MODULE_NAME_LEN or more.
 * Context: any.
 */
export function checkModuleDefinition(fnName: string, def: unknown): asserts def is ModuleDefinition {
  checkObject(fnName, 'def', def);
  const d = def as Partial<ModuleDefinition>;
  checkString(fnName, 'def.name', d.name);
  checkOptFn(fnName, 'def.init', d.init);
  checkOptFn(fnName, 'def.exit', d.exit);
  if (d.exports !== undefined) checkObject(fnName, 'def.exports', d.exports);
  if (d.imports !== undefined) {
    if (!Array.isArray(d.imports)) throw badArg(fnName, 'def.imports', 'an array of symbol names', d.imports);
    for (const [i, s] of (d.imports as unknown[]).entries()) checkString(fnName, `def.imports[${i}]`, s);
  }
  if (d.drivers !== undefined) {
    if (!Array.isArray(d.drivers)) throw badArg(fnName, 'def.drivers', 'an array of { bus, driver }', d.drivers);
    for (const [i, s] of (d.drivers as unknown[]).entries()) {
      checkObject(fnName, `def.drivers[${i}]`, s);
      checkObject(fnName, `def.drivers[${i}].bus`, (s as ModuleDriverSpec).bus);
      checkFn(fnName, `def.drivers[${i}].driver`, (s as ModuleDriverSpec).driver);
    }
  }
  if (d.size !== undefined) checkIntRange(fnName, 'def.size', d.size, 0, Number.MAX_SAFE_INTEGER);
  if (d.name.length === 0 || d.name.includes('/') || d.name.length >= MODULE_NAME_LEN) {
    throw new KernelError('EINVAL', `bad module name '${d.name}'`);
  }
}

/**
 * Checks and returns a module definition (frozen). Context: any.
 * Errors: as {@link checkModuleDefinition}; `-ENAMETOOLONG` is not
 * modelled: a name of MODULE_NAME_LEN or more is `-EINVAL` here.
 */
export function defineModule(def: ModuleDefinition): ModuleDefinition {
  checkModuleDefinition('define_module', def);
  return Object.freeze({ ...def });
}
