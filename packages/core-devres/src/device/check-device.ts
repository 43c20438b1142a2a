/**
 * Argument checks of the device model and devres (docs/validation.md): a
 * `struct device *` or `struct bus_type *` the kernel dereferences at once.
 */
import { badArg } from '../kernel/validate.js';
import { BusType, Device } from './device.js';

/** Throws a `TypeError` unless `dev` is a `Device` (a `PciDev`, …). Context: any. */
export function checkDevice(fnName: string, dev: unknown): asserts dev is Device {
  if (!(dev instanceof Device)) throw badArg(fnName, 'dev', 'a Device', dev);
}

/** Throws a `TypeError` unless `bus` is a `BusType`. Context: any. */
export function checkBus(fnName: string, bus: unknown): asserts bus is BusType {
  if (!(bus instanceof BusType)) throw badArg(fnName, 'bus', 'a BusType', bus);
}
