/**
 * Bus, device and driver (drivers/base): the objects a driver binds to.
 *
 * Invariants:
 * - `dev.driver !== null` iff the device is bound; `dev.bound` is then the
 *   token handed to probe/remove (see {@link BoundDevice}).
 * - Bind and unbind of one device are serialised by `dev.lock` (the
 *   `device_lock()` of drivers/base/dd.c).
 */

import type { DevresNode } from '../devres/node.js';
import { checkKernel } from '../kernel/check-kernel.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Owner } from '../kernel/owner.js';
import { Mutex } from '../kernel/sync/mutex.js';
import { badArg } from '../kernel/validate.js';

/**
 * How unbind tears devres down. `two-phase`: every fence newest first, then
 * every release newest first (the quiesce contract). `lifo`: the kernel's
 * single pass, each entry fenced and released before the next.
 */
export type UnbindMode = 'two-phase' | 'lifo';

/**
 * Proof that a device is bound to a driver (Rust-for-Linux's `&Device<Bound>`).
 *
 * `Devres.access()` compares {@link BoundDevice.key} with its own: the device
 * while the binding lasts. In sanitizer `report`/`panic` mode the driver core
 * replaces the key with a fresh object when the binding ends (and a Devres
 * replaces its own at release), so a token kept past unbind or used after a
 * rebind fails the one compare the hot path already makes and the cold path
 * tells a stale binding from another device's proof. With the sanitizer
 * `off` nothing is replaced: the hot path is the identity compare alone.
 */
export class BoundDevice {
  /** @internal The device while bound; a tombstone after the binding ended (sanitizer on). */
  key: object;

  /** @internal Only the driver core creates tokens. */
  constructor(
    readonly dev: Device,
    /** Bind generation: a new token per bind. */
    readonly generation: number,
  ) {
    this.key = dev;
  }
}

/** @internal Ends a token's validity for `Devres.access` (cold path; only with the sanitizer on). */
export function endBinding(bound: BoundDevice): void {
  if (bound.dev.kernel.sanitizer.mode !== 'off') bound.key = {};
}

export interface Driver<D extends Device = Device> {
  readonly name: string;
  /** The module owning the driver's code (`THIS_MODULE`); null for built-in. */
  readonly owner: Owner;
  /** Binds to `dev`. Throw a KernelError to fail the probe. Context: may sleep. */
  probe(dev: D, bound: BoundDevice): Promise<void>;
  /** Unbinds. Devres is released after it returns. Context: may sleep. */
  remove?(dev: D, bound: BoundDevice): Promise<void>;
  /** Extra match beyond the bus's (e.g. an ID table). */
  match?(dev: D): boolean;
}

export class BusType {
  readonly devices: Device[] = [];
  readonly drivers: Driver[] = [];

  constructor(
    readonly kernel: Kernel,
    readonly name: string,
    /** `bus_type.match`: does `drv` drive `dev`? Default: the driver's `match`, else equal names. */
    readonly matchFn: (dev: Device, drv: Driver) => boolean = defaultMatch,
    /** Default unbind mode for devices on this bus. */
    public unbindMode: UnbindMode = 'two-phase',
  ) {
    checkKernel('BusType.new', kernel, 'kernel');
  }
}

function defaultMatch(dev: Device, drv: Driver): boolean {
  return drv.match ? drv.match(dev) : drv.name === dev.name;
}

export class Device {
  driver: Driver | null = null;
  bound: BoundDevice | null = null;
  /** `dev_get_drvdata()` / `dev_set_drvdata()`. */
  driverData: unknown = null;
  /** The devres list, oldest first. */
  readonly devres: DevresNode[] = [];
  /** Unbind mode for this device; null takes the bus's. */
  unbindMode: UnbindMode | null = null;
  /** Registered with its bus (`device_add` done, `device_del` not yet). */
  registered = false;
  /** `device_lock()`. */
  readonly lock: Mutex;
  /** Resources acquired while bound, checked for leaks at unbind. */
  readonly tracked: TrackedResource[] = [];
  private bindGeneration = 0;

  constructor(
    readonly kernel: Kernel,
    readonly name: string,
    readonly bus: BusType,
  ) {
    checkKernel('Device.new', kernel, 'kernel');
    this.lock = new Mutex(kernel, `device_lock ${name}`);
  }

  /** The unbind mode in force: the device's, else its bus's. */
  get mode(): UnbindMode {
    return this.unbindMode ?? this.bus.unbindMode;
  }

  /** @internal */
  nextGeneration(): number {
    return ++this.bindGeneration;
  }

  toString(): string {
    return `${this.bus.name} ${this.name}`;
  }
}

/**
 * Something a driver holds while bound that the leak check can ask about:
 * a timer, a work item, a mapping, a registration. Subsystems call
 * {@link trackResource} when one is created on behalf of a device.
 */
export interface TrackedResource {
  /** `hrtimer edu_poll`, `work edu_work`, `iomap BAR0`. */
  readonly description: string;
  /** True while it is armed, queued, running, mapped or registered. */
  busy(): boolean;
  /** True when devres owns it (then the fence/release handles it). */
  readonly managed: boolean;
  /** Where it was acquired (sanitizer stack), if known. */
  readonly acquiredStack?: string | undefined;
}

/** Associates `r` with `dev` for the leak check at unbind. Context: any. */
export function trackResource(dev: Device, r: TrackedResource): void {
  dev.tracked.push(r);
}

/** `dev_get_drvdata()`. Context: any. Errors: a `TypeError` for a `dev` that is not a Device. */
export function devGetDrvdata<T>(dev: Device): T {
  if (!(dev instanceof Device)) throw badArg('dev_get_drvdata', 'dev', 'a Device', dev);
  // `as`: as C's void *drvdata: the driver that stored it names its type (an unchecked cast there too).
  return dev.driverData as T;
}

/** `dev_set_drvdata()`. Context: any. Errors: as {@link devGetDrvdata}. */
export function devSetDrvdata(dev: Device, data: unknown): void {
  if (!(dev instanceof Device)) throw badArg('dev_set_drvdata', 'dev', 'a Device', dev);
  dev.driverData = data;
}
