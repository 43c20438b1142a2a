/**
 * `free_module()`: the last step of both an unload and a failed load.
 */
import type { Module } from '../module/module.js';
import { moduleRegistry } from '../module/registry.js';

/**
 * Marks `mod` UNFORMED, drops the references it held on the modules it used
 * (`module_unload_free`), removes it from the module list and frees its text:
 * from now on calling any function it owned is an execute-after-free.
 * Context: any.
 */
export function freeModule(mod: Module): void {
  const k = mod.kernel;
  mod.state = 'UNFORMED';
  for (const target of mod.uses.splice(0)) {
    const i = target.usedBy.indexOf(mod);
    if (i >= 0) target.usedBy.splice(i, 1);
    target.put();
  }
  const reg = moduleRegistry(k);
  const i = reg.modules.indexOf(mod);
  if (i >= 0) reg.modules.splice(i, 1);
  mod.textFreed = true;
  k.trace('module_free', mod.name);
}
