/**
 * Drivers owned by a module (`module_driver()`, `module_pci_driver()`...):
 * registered from `module_init`, unregistered from `module_exit`, so that
 * unloading the module unbinds its devices before its text goes away.
 */
import {
  type BusType,
  checkFn,
  checkObject,
  type Driver,
  driverRegister,
  driverUnregister,
} from '@quiesce/core-devres';
import type { ModuleHook } from './module/definition.js';
import type { Module } from './module/module.js';

/**
 * `module_driver(drv, register, unregister)`: an init/exit pair that
 * registers the driver made by `make(THIS_MODULE)` on `bus` and unregisters
 * it. Spread it into a definition:
 * `defineModule({ name: 'edu', ...moduleDriver(pci, (mod) => eduDriver(mod)) })`.
 * Context: the hooks may sleep (probe/remove run inside them).
 * Errors: whatever `driverRegister` throws (`-EBUSY` for a duplicate name),
 * which fails the load; a `TypeError` at once for a `bus` that is not an
 * object or a `make` that is not a function.
 */
export function moduleDriver(bus: BusType, make: (mod: Module) => Driver): { init: ModuleHook; exit: ModuleHook } {
  checkObject('module_driver', 'bus', bus);
  checkFn('module_driver', 'make', make);
  return {
    init: (mod) => registerModuleDriver(mod, bus, make),
    exit: (mod) => unregisterModuleDrivers(mod),
  };
}

/** @internal Registers one driver of `mod` (`__driver_register(drv, THIS_MODULE)`). */
export async function registerModuleDriver(mod: Module, bus: BusType, make: (mod: Module) => Driver): Promise<void> {
  const drv = make(mod);
  if (drv.owner !== mod) {
    // The C macros set .owner = THIS_MODULE themselves; a driver made with
    // another owner would let the device core call into unloaded text.
    mod.kernel.warn(drv.name, `driver ${drv.name} registered by module ${mod.name} names another owner`);
  }
  await driverRegister(bus, drv);
  mod.drivers.push({ bus, driver: drv });
}

/** @internal Unregisters every driver `mod` registered, newest first (unbinding their devices). */
export async function unregisterModuleDrivers(mod: Module): Promise<void> {
  while (mod.drivers.length > 0) {
    const d = mod.drivers.pop();
    if (d !== undefined) await driverUnregister(d.bus, d.driver);
  }
}
