/**
 * Unloading a module (kernel/module/main.c: delete_module, try_stop_module).
 */
import { checkKernel, checkString, checkU32, type Kernel, KernelError } from '@quiesce/core-devres';
import { unregisterModuleDrivers } from '../driver.js';
import { MODULE_REF_BASE, type Module } from '../module/module.js';
import { findModule, runAs } from '../module/registry.js';
import { freeModule } from './free.js';

/** `O_NONBLOCK`: what `rmmod` always passes; unloading never waits anyway. */
export const O_NONBLOCK = 0o4000;
/** `O_TRUNC`: force (`rmmod -f`, CONFIG_MODULE_FORCE_UNLOAD). Taints the kernel. */
export const O_TRUNC = 0o1000;

/** `try_force_unload()`: true when `flags` force; taints the kernel (TAINT_FORCED_RMMOD). */
function tryForceUnload(k: Kernel, mod: Module, flags: number): boolean {
  if ((flags & O_TRUNC) === 0) return false;
  k.tainted = true;
  k.trace('taint', `TAINT_FORCED_RMMOD (${mod.name})`);
  return true;
}

/** `try_release_module_ref()`: drops the base reference; 0 when nobody else held one, else restores it. */
function tryReleaseModuleRef(mod: Module): number {
  mod.refcnt -= MODULE_REF_BASE;
  if (mod.refcnt === 0) {
    mod.baseHeld = false;
    return 0;
  }
  mod.refcnt += MODULE_REF_BASE;
  return mod.refcnt;
}

/**
 * `delete_module(name, flags)`: unloads a module. Checks, in the kernel's
 * order, each failing without side effects:
 * 1. no such module (or still UNFORMED): `-ENOENT`;
 * 2. another module uses it: `-EWOULDBLOCK`, even forced;
 * 3. not LIVE (initialising or already going): `-EBUSY`;
 * 4. has init but no exit: `-EBUSY` unless forced (`O_TRUNC`);
 * 5. references held beyond the base: `-EWOULDBLOCK` unless forced.
 * Forcing taints the kernel (`k.tainted`). It never waits for references to
 * drain. Then: state GOING (`try_module_get` fails from here), the module's
 * drivers unregistered (their devices unbound), exit run (may sleep), the
 * module freed and its text gone.
 * Context: may sleep (task). `flags`: `O_NONBLOCK | O_TRUNC` bits.
 * Returns: nothing; errors thrown as KernelError; a `TypeError` for a name
 * that is not a string or flags that are not an `unsigned int`.
 * Differences: no `-EPERM` (no capabilities). An exit that throws (an oops
 * in C) leaves the module GOING with its text in place.
 */
export async function deleteModule(k: Kernel, name: string, flags: number = O_NONBLOCK): Promise<void> {
  checkKernel('delete_module', k);
  checkString('delete_module', 'name', name);
  checkU32('delete_module', 'flags', flags);
  if (!k.mightSleep(`delete_module ${name}`)) {
    throw new KernelError('EINVAL', `delete_module ${name} from atomic context`);
  }
  const mod = findModule(k, name);
  if (mod === null) throw new KernelError('ENOENT', `delete_module: no module ${name}`);
  if (mod.usedBy.length > 0) {
    throw new KernelError('EWOULDBLOCK', `${name} is in use by: ${mod.usedBy.map((m) => m.name).join(' ')}`);
  }
  if (mod.state !== 'LIVE')
    throw new KernelError('EBUSY', `${name} is ${mod.state === 'GOING' ? 'already dying' : 'initialising'}`);
  if (mod.hasInit && !mod.hasExit && !tryForceUnload(k, mod, flags)) {
    throw new KernelError('EBUSY', `${name} has an init but no exit: it cannot be removed`);
  }
  if (tryReleaseModuleRef(mod) !== 0 && !tryForceUnload(k, mod, flags)) {
    throw new KernelError('EWOULDBLOCK', `${name} is in use (refcount ${mod.refcount})`);
  }
  mod.state = 'GOING';
  k.trace('module_state', `${name} GOING`);

  await runAs(k, mod, async () => {
    if (!mod.hasExit) return;
    await unregisterModuleDrivers(mod);
    if (mod.def.exit != null) await mod.def.exit(mod);
  });
  freeModule(mod);
}
