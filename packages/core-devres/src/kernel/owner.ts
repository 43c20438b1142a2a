/**
 * The owner of a callback: what `THIS_MODULE` names in C.
 *
 * Every registration (timer, work, IRQ handler, file operations, driver)
 * records the module whose text holds the callback. `@quiesce/module-loader`
 * implements this interface; the subsystems only see the interface, so
 * `hrtimer` never imports `module-loader` (docs/design.md §2).
 *
 * Built-in code has no owner: pass `null` (it can never be unloaded).
 */

/** Module states of `enum module_state` (kernel/module). */
export type ModuleState = 'LIVE' | 'COMING' | 'GOING' | 'UNFORMED';

export interface ModuleOwner {
  /** Module name as `lsmod` prints it. */
  readonly name: string;
  /** Current state. */
  readonly state: ModuleState;
  /**
   * True once the module's exit has run and its text is gone. From then on,
   * calling any function it owned is an execute-after-free.
   */
  readonly textFreed: boolean;
  /** `try_module_get()`: false when GOING (or gone). */
  tryGet(): boolean;
  /** `module_put()`. */
  put(): void;
}

/** An owner, or `null` for built-in code. */
export type Owner = ModuleOwner | null;

/** `try_module_get()` for a possibly built-in owner: built-in code always gets. */
export function tryModuleGetOwner(owner: Owner): boolean {
  return owner === null ? true : owner.tryGet();
}

/** `module_put()` for a possibly built-in owner. */
export function modulePutOwner(owner: Owner): void {
  if (owner !== null) owner.put();
}

/** Prints `fn [module]` as the kernel prints a symbol with its module. */
export function symbolName(fnName: string, owner: Owner): string {
  return owner === null ? fnName : `${fnName} [${owner.name}]`;
}
