/** Small shared fixtures for the core-devres tests. */
import {
  type BoundDevice,
  type BusType,
  busRegister,
  Device,
  type Driver,
  Kernel,
  type KernelOptions,
  type UnbindMode,
} from '@quiesce/core-devres';

export interface World {
  k: Kernel;
  bus: BusType;
  dev: Device;
}

/** A kernel, one bus (in `mode`) and one unregistered device named `dev0`. */
export function world(opts: KernelOptions & { mode?: UnbindMode } = {}): World {
  const { mode, ...kopts } = opts;
  const k = new Kernel(kopts);
  const bus = busRegister(k, 'testbus', undefined, mode ?? 'two-phase');
  const dev = new Device(k, 'dev0', bus);
  return { k, bus, dev };
}

/** A driver named `name` (matches a device of the same name on the default bus match). */
export function driver(
  name: string,
  probe: (dev: Device, bound: BoundDevice) => Promise<void> | void = () => undefined,
  remove?: (dev: Device, bound: BoundDevice) => Promise<void> | void,
): Driver {
  const drv: Driver = {
    name,
    owner: null,
    probe: async (dev, bound) => {
      await probe(dev, bound);
    },
  };
  if (remove === undefined) return drv;
  return {
    ...drv,
    remove: async (dev, bound) => {
      await remove(dev, bound);
    },
  };
}
