/**
 * Binding and unbinding (drivers/base/dd.c, bus.c, driver.c).
 *
 * Bind (`really_probe`): the driver's `probe()`; on failure `remove()` is not
 * called and every devres acquired during probe is released newest first.
 * Unbind (`__device_release_driver`): `remove()`, then devres torn down in
 * the device's unbind mode, then driver data cleared, then the leak check.
 */
import { releaseAllAndCheck } from '../devres/teardown.js';
import { checkKernel } from '../kernel/check-kernel.js';
import { type AsyncScope, asyncDispose } from '../kernel/dispose.js';
import { KernelError } from '../kernel/errno.js';
import type { Kernel } from '../kernel/kernel.js';
import { mightSleep } from '../kernel/might-sleep.js';
import type { Task } from '../kernel/task.js';
import { badArg, checkFn, checkObject, checkOptFn, checkString } from '../kernel/validate.js';
import { checkBus, checkDevice } from './check-device.js';
import { BoundDevice, BusType, type Device, type Driver, endBinding, type UnbindMode } from './device.js';

/** `bus_register()`: a new bus type. Context: may sleep (kzalloc(GFP_KERNEL), kset registration; checked with might_sleep()). */
export function busRegister(
  k: Kernel,
  name: string,
  match?: (dev: Device, drv: Driver) => boolean,
  mode: UnbindMode = 'two-phase',
): BusType {
  checkKernel('bus_register', k);
  checkString('bus_register', 'name', name);
  checkOptFn('bus_register', 'match', match);
  if (mode !== 'two-phase' && mode !== 'lifo') throw badArg('bus_register', 'mode', "'two-phase' or 'lifo'", mode);
  mightSleep(k, 'bus_register');
  return new BusType(k, name, match, mode);
}

/** The device the current task is probing or removing, if any (resources made now belong to it). */
export function currentBindingDevice(k: Kernel): Device | null {
  checkKernel('currentBindingDevice', k);
  const t = k.current;
  // `as`: Task keeps bindingDevice as object (core's kernel/ must not import device/); only withBinding() sets it, to a Device.
  return t === null ? null : ((t.bindingDevice as Device | null) ?? null);
}

async function withBinding<T>(k: Kernel, dev: Device, fn: () => Promise<T>): Promise<T> {
  // `as`: called only from bind/unbind after device_lock(), a sleeping call that throws outside a task.
  const t = k.current as Task;
  const prev = t.bindingDevice;
  t.bindingDevice = dev;
  try {
    return await fn();
  } finally {
    t.bindingDevice = prev;
  }
}

/**
 * Binds `drv` to `dev` (`device_driver_attach`). Throws the probe's error
 * after undoing its devres; `-EBUSY` if the device is already bound.
 * Context: may sleep.
 */
export async function deviceBind(dev: Device, drv: Driver): Promise<BoundDevice> {
  checkDevice('device_driver_attach', dev);
  checkDriver('device_driver_attach', drv);
  const k = dev.kernel;
  await dev.lock.lock();
  try {
    if (dev.driver !== null) throw new KernelError('EBUSY', `${dev} is already bound to ${dev.driver.name}`);
    const bound = new BoundDevice(dev, dev.nextGeneration());
    dev.driver = drv;
    dev.bound = bound;
    k.trace('probe', `${drv.name} ${dev.name}`);
    try {
      await withBinding(k, dev, () => drv.probe(dev, bound));
    } catch (e) {
      k.trace('probe_failed', `${drv.name} ${dev.name}: ${e instanceof Error ? e.message : String(e)}`);
      await withBinding(k, dev, () => releaseAllAndCheck(dev));
      endBinding(bound);
      dev.driver = null;
      dev.bound = null;
      dev.driverData = null;
      throw e;
    }
    k.trace('bound', `${drv.name} ${dev.name}`);
    return bound;
  } finally {
    dev.lock.unlock();
  }
}

/**
 * Unbinds `dev` from its driver (`device_release_driver`): `remove()`, devres
 * teardown, driver data cleared, leak check. No-op when unbound.
 * Context: may sleep.
 */
export async function deviceReleaseDriver(dev: Device): Promise<void> {
  checkDevice('device_release_driver', dev);
  const k = dev.kernel;
  await dev.lock.lock();
  try {
    const drv = dev.driver;
    const bound = dev.bound;
    if (drv === null || bound === null) return;
    k.trace('remove', `${drv.name} ${dev.name}`);
    // remove() and the release actions return void in C: a step that throws
    // does not stop the teardown; the device ends unbound, a `warn` report
    // names the failure, and the first one is rethrown (docs/validation.md).
    const failures: unknown[] = [];
    await withBinding(k, dev, async () => {
      try {
        if (drv.remove) await drv.remove(dev, bound);
      } catch (e) {
        failures.push(e);
      }
      try {
        await releaseAllAndCheck(dev);
      } catch (e) {
        failures.push(e);
      }
    });
    endBinding(bound);
    dev.driver = null;
    dev.bound = null;
    dev.driverData = null;
    k.trace('unbound', `${drv.name} ${dev.name}`);
    if (failures.length > 0) {
      k.warn(dev.name, `unbind of ${dev} from ${drv.name}: ${describeError(failures[0])}`);
      throw failures[0];
    }
  } finally {
    dev.lock.unlock();
  }
}

function matches(dev: Device, drv: Driver): boolean {
  return dev.bus.matchFn(dev, drv);
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * One probe from `device_add`/`driver_register`: as `__device_attach` and
 * `__driver_attach`, the probe's error is not passed up (really_probe
 * returns it; its callers ignore it). An errno is only traced, as the kernel
 * only logs it; any other error (a TypeError: a bug, which C could not
 * return) is also a `warn` report so it is not lost. Returns true if bound.
 */
async function tryProbe(dev: Device, drv: Driver): Promise<boolean> {
  try {
    await deviceBind(dev, drv);
    return true;
  } catch (e) {
    if (!(e instanceof KernelError))
      dev.kernel.warn(dev.name, `probe of ${dev} with ${drv.name} failed: ${describeError(e)}`);
    return false;
  }
}

/** Tries each matching driver in registration order; probe errors are not thrown, as in `__device_attach`. */
async function attach(dev: Device): Promise<boolean> {
  for (const drv of [...dev.bus.drivers]) {
    if (dev.driver !== null) return true;
    if (!matches(dev, drv)) continue;
    if (await tryProbe(dev, drv)) return true;
  }
  return dev.driver !== null;
}

/**
 * `device_add()` + `bus_probe_device()`: registers `dev` on its bus and binds
 * it to the first matching driver that probes successfully.
 * Returns true if bound. Context: may sleep.
 */
export async function deviceAdd(dev: Device): Promise<boolean> {
  checkDevice('device_add', dev);
  mightSleep(dev.kernel, 'device_add');
  if (dev.registered) throw new KernelError('EEXIST', `${dev} already added`);
  dev.registered = true;
  dev.bus.devices.push(dev);
  dev.kernel.trace('device_add', dev.toString());
  return attach(dev);
}

/** `device_del()`: unbinds, then removes `dev` from its bus. Context: may sleep. */
export async function deviceDel(dev: Device): Promise<void> {
  checkDevice('device_del', dev);
  await deviceReleaseDriver(dev);
  const i = dev.bus.devices.indexOf(dev);
  if (i >= 0) dev.bus.devices.splice(i, 1);
  dev.registered = false;
  dev.kernel.trace('device_del', dev.toString());
}

/**
 * `driver_register()`: adds `drv` to its bus and binds it to every unbound
 * matching device. `-EBUSY` if a driver of that name is registered.
 * Context: may sleep.
 */
export async function driverRegister(bus: BusType, drv: Driver): Promise<void> {
  checkBus('driver_register', bus);
  checkDriver('driver_register', drv);
  if (bus.drivers.some((d) => d.name === drv.name)) {
    throw new KernelError('EBUSY', `driver_register: Driver '${drv.name}' is already registered, aborting...`);
  }
  mightSleep(bus.kernel, 'driver_register');
  bus.drivers.push(drv);
  bus.kernel.trace('driver_register', drv.name);
  try {
    for (const dev of [...bus.devices]) if (dev.driver === null && matches(dev, drv)) await attachOne(dev, drv);
  } catch (e) {
    // Not left registered when driver_register rejects (bus_add_driver's error path removes it).
    const i = bus.drivers.indexOf(drv);
    if (i >= 0) bus.drivers.splice(i, 1);
    throw e;
  }
}

/** Throws a TypeError unless `drv` has a string name and a probe function (and remove, if any, is one). */
function checkDriver(fnName: string, drv: Driver): void {
  checkObject(fnName, 'drv', drv);
  checkString(fnName, 'drv.name', drv.name);
  checkFn(fnName, 'drv.probe', drv.probe);
  checkOptFn(fnName, 'drv.remove', drv.remove);
}

async function attachOne(dev: Device, drv: Driver): Promise<void> {
  await tryProbe(dev, drv);
}

/** `driver_unregister()`: unbinds every device bound to `drv`, then removes it. Context: may sleep. */
export async function driverUnregister(bus: BusType, drv: Driver): Promise<void> {
  checkBus('driver_unregister', bus);
  checkObject('driver_unregister', 'drv', drv);
  mightSleep(bus.kernel, 'driver_unregister');
  for (const dev of [...bus.devices]) if (dev.driver === drv) await deviceReleaseDriver(dev);
  const i = bus.drivers.indexOf(drv);
  if (i >= 0) bus.drivers.splice(i, 1);
  bus.kernel.trace('driver_unregister', drv.name);
}

/**
 * A bound device as a scope: `await using b = await bindScope(dev, drv)`
 * binds now and unbinds at scope exit. Context: may sleep.
 */
export async function bindScope(dev: Device, drv: Driver): Promise<AsyncScope & { bound: BoundDevice }> {
  mightSleep(dev.kernel, 'device_driver_attach');
  const bound = await deviceBind(dev, drv);
  return {
    bound,
    [asyncDispose]: () => deviceReleaseDriver(dev),
  };
}

/** True while `bound` is the token of the device's current binding. */
export function boundIsCurrent(bound: BoundDevice): boolean {
  return bound.dev.bound === bound;
}
