/**
 * `struct module` (include/linux/module.h): the state, the reference count and
 * the usage links of one loaded module. Implements the core's
 * {@link ModuleOwner}, so a subsystem takes it as the owner of a callback
 * (`THIS_MODULE`) without importing this package.
 *
 * Reference count, as kernel/module/main.c keeps it:
 * - `refcnt` starts at MODULE_REF_BASE (the loader's own reference) plus one
 *   held across init; a successful init drops that extra one.
 * - `module_refcount() = refcnt - MODULE_REF_BASE`: the references others
 *   hold; -1 once `delete_module` has released the base.
 * - `try_module_get()` fails when the module is GOING or `refcnt` is 0.
 */
import {
  type BusType,
  checkKernel,
  type Driver,
  type Kernel,
  type ModuleOwner,
  type ModuleState,
} from '@quiesce/core-devres';
import type { ModuleDefinition } from './definition.js';

/** The loader's base reference (`MODULE_REF_BASE`, kernel/module/main.c). */
export const MODULE_REF_BASE = 1;

/** A loaded (or unloaded) module. Created only by `loadModule`. */
export class Module implements ModuleOwner {
  /** `enum module_state`. */
  state: ModuleState = 'UNFORMED';
  /** True once `free_module` ran: the text is gone, calling into it is an execute-after-free. */
  textFreed = false;
  /** Raw `mod->refcnt` (includes {@link MODULE_REF_BASE} while the loader holds it). */
  refcnt = MODULE_REF_BASE;
  /** `source_list`: modules that use this one (they pinned it by importing a symbol). */
  readonly usedBy: Module[] = [];
  /** `target_list`: modules this one uses (providers it pinned). */
  readonly uses: Module[] = [];
  /** Drivers registered through the definition's `drivers`, in registration order. */
  readonly drivers: { bus: BusType; driver: Driver }[] = [];
  /** Symbols this module imported, resolved at load: name → value. */
  readonly imports = new Map<string, unknown>();
  /** `mod->init != NULL`. */
  readonly hasInit: boolean;
  /** `mod->exit != NULL`. */
  readonly hasExit: boolean;
  /** Size shown by `lsmod` (bytes). */
  readonly size: number;

  /** @internal Only `loadModule` creates modules. */
  constructor(
    readonly kernel: Kernel,
    readonly def: ModuleDefinition,
  ) {
    checkKernel('Module.new', kernel, 'kernel');
    // Registering drivers is an init; unregistering them an exit. A module
    // that writes its own init but no exit is still permanent (as in C).
    const drivers = (def.drivers?.length ?? 0) > 0;
    this.hasInit = def.init != null || drivers;
    this.hasExit = def.exit != null || (def.init == null && drivers);
    this.size = def.size ?? 16384;
  }

  get name(): string {
    return this.def.name;
  }

  /**
   * `try_module_get()`: takes a reference unless the module is GOING, its
   * base reference is gone, or its text is freed. Context: any.
   * Returns: true if a reference was taken.
   * Difference: on a freed module the kernel would touch freed memory; here
   * it fails.
   */
  tryGet(): boolean {
    if (this.state === 'GOING' || this.textFreed || this.refcnt === 0) return false;
    this.refcnt++;
    this.kernel.trace('module_get', this.name);
    return true;
  }

  /**
   * `module_put()`: drops a reference. A put that would take
   * `module_refcount()` below zero WARNs and is ignored. Context: any.
   * Difference: the kernel's `atomic_dec_if_positive` lets the first
   * unbalanced put eat the loader's base reference silently and only WARNs
   * on the next; here the first unbalanced put WARNs.
   */
  put(): void {
    const floor = this.baseHeld ? MODULE_REF_BASE : 0;
    if (this.refcnt - 1 < floor) {
      this.kernel.warn(
        this.name,
        `module_put(${this.name}): refcount would go below zero (module_put without a reference)`,
      );
      return;
    }
    this.refcnt--;
    this.kernel.trace('module_put', this.name);
  }

  /** `__module_get()`: takes a reference unconditionally (the caller already holds one). Context: any. */
  get(): void {
    this.refcnt++;
    this.kernel.trace('module_get', this.name);
  }

  /** `module_is_live()`: not GOING. */
  get live(): boolean {
    return this.state !== 'GOING';
  }

  /** `module_refcount()`: references held beyond the base; -1 once unloading released the base. */
  get refcount(): number {
    return this.refcnt - MODULE_REF_BASE;
  }

  /**
   * A symbol this module imported (resolved at load), as the module's code
   * would call it. Throws when the module did not import it.
   */
  symbol<T = unknown>(name: string): T {
    if (!this.imports.has(name)) throw new Error(`${this.name}: symbol ${name} was not imported`);
    return this.imports.get(name) as T;
  }

  /** @internal True while the loader's base reference is held (cleared by a successful `try_stop_module`). */
  baseHeld = true;

  toString(): string {
    return this.name;
  }
}
