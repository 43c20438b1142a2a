/**
 * Loading a module (kernel/module/main.c: load_module, do_init_module).
 */
import { checkKernel, type Kernel, KernelError } from '@quiesce/core-devres';
import { registerModuleDriver, unregisterModuleDrivers } from '../driver.js';
import { checkModuleDefinition, type ModuleDefinition } from '../module/definition.js';
import { ExecFormatError } from '../module/errors.js';
import { Module } from '../module/module.js';
import { moduleRegistry, runAs } from '../module/registry.js';
import { findSymbol, refModule } from '../symbols.js';
import { freeModule } from './free.js';

/**
 * `init_module()`/`finit_module()`: links `def` into the kernel and runs its
 * init. Steps, as load_module → do_init_module:
 * 1. `-EEXIST` if a module of that name is on the list (any state);
 * 2. added UNFORMED, holding the loader's base reference plus one across init;
 * 3. imports resolved, each pinning its provider (`-ENOENT` "Unknown symbol",
 *    `-EBUSY` if the provider is still COMING);
 * 4. exports checked (`-ENOEXEC` for a symbol someone else exports);
 * 5. COMING; init runs (may sleep; `try_module_get` succeeds meanwhile), then
 *    the definition's drivers are registered;
 * 6. LIVE, the init reference dropped.
 * A failing init: GOING, init reference dropped, the module freed (exit is
 * not called), and the error thrown. Context: may sleep (task).
 * Returns: the live module. A definition that is not one (see
 * `checkModuleDefinition`) is rejected before anything is linked.
 * Differences: a load racing an unload or another load of the same name gets
 * `-EEXIST` at once (the kernel waits for the other to finish); a provider
 * still COMING gives `-EBUSY` at once (the kernel waits up to 30 s first).
 */
export async function loadModule(k: Kernel, def: ModuleDefinition): Promise<Module> {
  checkKernel('load_module', k);
  checkModuleDefinition('load_module', def);
  if (!k.mightSleep(`load_module ${def.name}`)) {
    throw new KernelError('EINVAL', `load_module ${def.name} from atomic context`);
  }
  const reg = moduleRegistry(k);
  if (reg.modules.some((m) => m.name === def.name)) {
    throw new KernelError('EEXIST', `module ${def.name} is already loaded`);
  }
  const mod = new Module(k, def);
  mod.refcnt++; // module_unload_init: held across init
  reg.modules.unshift(mod);
  k.trace('module_load', `${mod.name} UNFORMED`);

  try {
    for (const name of def.imports ?? []) {
      const s = findSymbol(k, name);
      if (s === null) throw new KernelError('ENOENT', `${mod.name}: Unknown symbol ${name} (err -2)`);
      try {
        refModule(mod, s.owner);
      } catch (e) {
        if (e instanceof KernelError) {
          throw new KernelError(e.code, `${mod.name}: Unknown symbol ${name} (err ${e.errno})`);
        }
        throw e;
      }
      mod.imports.set(name, s.value);
    }
    for (const name of Object.keys(def.exports ?? {})) {
      const s = findSymbol(k, name);
      if (s !== null && s.owner !== mod) {
        throw new ExecFormatError(
          `${mod.name}: exports duplicate symbol ${name} (owned by ${s.owner?.name ?? 'kernel'})`,
        );
      }
    }
  } catch (e) {
    freeModule(mod);
    throw e;
  }

  mod.state = 'COMING';
  k.trace('module_state', `${mod.name} COMING`);
  try {
    await runAs(k, mod, () => runInit(mod));
  } catch (e) {
    mod.state = 'GOING';
    k.trace('module_state', `${mod.name} GOING (init failed: ${e instanceof Error ? e.message : String(e)})`);
    mod.put(); // drop the init reference
    freeModule(mod);
    throw e;
  }
  mod.state = 'LIVE';
  k.trace('module_state', `${mod.name} LIVE`);
  mod.put(); // drop the init reference
  return mod;
}

/** The definition's init, then its drivers; a driver that fails to register undoes the others and the init. */
async function runInit(mod: Module): Promise<void> {
  const { init, exit, drivers = [] } = mod.def;
  if (init != null) await init(mod); // null is an absent hook, as undefined
  try {
    for (const d of drivers) await registerModuleDriver(mod, d.bus, d.driver);
  } catch (e) {
    await unregisterModuleDrivers(mod);
    if (exit != null) await exit(mod);
    throw e;
  }
}
