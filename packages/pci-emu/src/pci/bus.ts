/**
 * The PCI bus (drivers/pci/pci-driver.c, probe.c): one per kernel, on the
 * core `BusType`. Drivers match devices by ID table; `pciAddDevice`
 * enumerates a device model (firmware assigns its BARs and INTx line) and
 * probes it, as a hot-plug would.
 */
import {
  type BoundDevice,
  type BusType,
  badArg,
  busRegister,
  checkFn,
  checkInt,
  checkIntRange,
  checkKernel,
  checkObject,
  checkOptFn,
  checkString,
  type Device,
  type Driver,
  deviceAdd,
  deviceDel,
  driverRegister,
  driverUnregister,
  type Kernel,
  KernelError,
  KernelLocal,
  kernelMemory,
  mightSleep,
  type Owner,
} from '@quiesce/core-devres';
import { irqTable } from '../irq/irq-desc.js';
import type { PciDeviceModel } from '../model/device-model.js';
import { checkPciDev } from './check.js';
import { buildConfigSpace } from './config-space.js';
import { PCI_ANY_ID, PCI_STD_NUM_BARS } from './constants.js';
import { BarResource, PciDev } from './pci-dev.js';

/** One entry of a driver's ID table (`struct pci_device_id`, vendor/device part). */
export interface PciDeviceId {
  readonly vendor: number;
  readonly device: number;
  readonly subvendor?: number;
  readonly subdevice?: number;
  /** `driver_data`. */
  readonly driverData?: unknown;
}

/** `struct pci_driver`. */
export interface PciDriver {
  readonly name: string;
  /** The module owning the driver (`THIS_MODULE`); null for built-in. */
  readonly owner: Owner;
  readonly idTable: readonly PciDeviceId[];
  /** Binds to `pdev`; `id` is the matching table entry. Throw a KernelError to fail. Context: may sleep. */
  probe(pdev: PciDev, id: PciDeviceId, bound: BoundDevice): Promise<void>;
  /** Unbinds; devres is released after it returns. Context: may sleep. */
  remove?(pdev: PciDev, bound: BoundDevice): Promise<void>;
}

/** First bus address handed to memory BARs (under the 4 GiB PCI hole). */
export const PCI_MEM_BASE = 0xfe00_0000;
/** First I/O port handed to I/O BARs. */
export const PCI_IO_BASE = 0xc000;

class PciBusState {
  readonly bus: BusType;
  readonly adapters = new Map<PciDriver, Driver>();
  nextSlot = 3;
  nextMem = PCI_MEM_BASE;
  nextIo = PCI_IO_BASE;
  constructor(k: Kernel) {
    this.bus = busRegister(k, 'pci', (dev, drv) => drv.match?.(dev) ?? false);
  }
}

const BUS = new KernelLocal((k: Kernel) => new PciBusState(k));

function state(k: Kernel): PciBusState {
  return BUS.get(k);
}

/** The kernel's PCI bus (`pci_bus_type`). Context: any. */
export function pciBus(k: Kernel): BusType {
  checkKernel('pciBus', k);
  return state(k).bus;
}

function idMatches(id: PciDeviceId, pdev: PciDev): boolean {
  const sv = pdev.config.read(0x2c, 2);
  const sd = pdev.config.read(0x2e, 2);
  return (
    (id.vendor === PCI_ANY_ID || id.vendor === pdev.vendor) &&
    (id.device === PCI_ANY_ID || id.device === pdev.deviceId) &&
    (id.subvendor === undefined || id.subvendor === PCI_ANY_ID || id.subvendor === sv) &&
    (id.subdevice === undefined || id.subdevice === PCI_ANY_ID || id.subdevice === sd)
  );
}

/** `pci_match_id()`: the first entry of `ids` matching `pdev`, or null. Context: any. */
export function pciMatchId(ids: readonly PciDeviceId[], pdev: PciDev): PciDeviceId | null {
  for (const id of ids) if (idMatches(id, pdev)) return id;
  return null;
}

/**
 * `pci_register_driver()`: registers `drv` and probes every unbound device
 * its ID table matches. Context: may sleep. Errors: `-EBUSY` for a duplicate
 * driver name.
 */
export async function pciRegisterDriver(k: Kernel, drv: PciDriver): Promise<void> {
  checkKernel('pci_register_driver', k);
  checkObject('pci_register_driver', 'drv', drv);
  checkString('pci_register_driver', 'drv.name', drv.name);
  checkFn('pci_register_driver', 'drv.probe', drv.probe);
  checkOptFn('pci_register_driver', 'drv.remove', drv.remove);
  if (!Array.isArray(drv.idTable)) throw badArg('pci_register_driver', 'drv.id_table', 'an array', drv.idTable);
  const s = state(k);
  if (s.adapters.has(drv)) throw new KernelError('EBUSY', `pci_register_driver: ${drv.name} already registered`);
  const adapter: Driver = {
    name: drv.name,
    owner: drv.owner ?? null, // undefined is C's NULL: built-in
    match: (dev: Device) => dev instanceof PciDev && pciMatchId(drv.idTable, dev) !== null,
    probe: (dev: Device, bound: BoundDevice) => {
      const pdev = dev as PciDev;
      return drv.probe(pdev, pciMatchId(drv.idTable, pdev) as PciDeviceId, bound);
    },
    ...(drv.remove
      ? {
          remove: (dev: Device, bound: BoundDevice) =>
            (drv.remove as NonNullable<PciDriver['remove']>)(dev as PciDev, bound),
        }
      : {}),
  };
  await driverRegister(s.bus, adapter);
  s.adapters.set(drv, adapter);
}

/** `pci_unregister_driver()`: unbinds every device bound to `drv`, then removes it. Context: may sleep. */
export async function pciUnregisterDriver(k: Kernel, drv: PciDriver): Promise<void> {
  checkKernel('pci_unregister_driver', k);
  checkObject('pci_unregister_driver', 'drv', drv);
  mightSleep(k, 'pci_unregister_driver'); // driver_unregister: checked even when drv is not registered
  const s = state(k);
  const adapter = s.adapters.get(drv);
  if (!adapter) {
    k.warn(drv.name, `pci_unregister_driver: ${drv.name} is not registered`);
    return;
  }
  await driverUnregister(s.bus, adapter);
  s.adapters.delete(drv);
}

/** Options for {@link pciAddDevice}. */
export interface PciAddOptions {
  /** Force the legacy IRQ number of INTA (to share a line between devices). */
  readonly irq?: number;
  /** Slot number (default: next free from 3). */
  readonly slot?: number;
}

/**
 * Plugs `model` into the bus (hot-plug: `pci_scan_slot` + `pci_bus_add_device`):
 * realizes the model, assigns BAR addresses and the INTx line as firmware
 * would, builds the config space, registers the device and probes a matching
 * driver. Returns the device. Context: may sleep.
 * Errors: `-EINVAL` for a BAR size that is not a power of two ≥ 16; a
 * `TypeError` for a model that is not one (no name, bars not an array,
 * attach/reset not functions), a slot outside 0..31 or an IRQ that is not
 * a positive integer. All checked before anything is assigned.
 */
export async function pciAddDevice(k: Kernel, model: PciDeviceModel, opts: PciAddOptions = {}): Promise<PciDev> {
  checkKernel('pci_add_device', k);
  checkModel(model);
  checkObject('pci_add_device', 'opts', opts);
  if (opts.slot !== undefined) checkIntRange('pci_add_device', 'opts.slot', opts.slot, 0, 31);
  if (opts.irq !== undefined) checkIntRange('pci_add_device', 'opts.irq', opts.irq, 1, 0xffff_ffff);
  const s = state(k);
  const slot = opts.slot ?? s.nextSlot++;
  const addrs: number[] = [];
  const resources: BarResource[] = [];
  for (let i = 0; i < PCI_STD_NUM_BARS; i++) {
    const spec = model.bars[i];
    if (!spec) {
      addrs.push(0);
      resources.push(new BarResource(0, 0, null, null));
      continue;
    }
    const io = spec.kind === 'io';
    const base = io ? s.nextIo : s.nextMem;
    const start = Math.ceil(base / spec.size) * spec.size;
    if (io) s.nextIo = start + spec.size;
    else s.nextMem = start + spec.size;
    addrs.push(start);
    // Recycled across explored runs (docs/explorer.md, "Speed"): every byte
    // the spec's fill, as a new buffer filled so would be.
    const mem = kernelMemory(k, spec.size, spec.fill ?? 0);
    resources.push(new BarResource(start, spec.size, io ? 'io' : 'mem', mem, spec.registerBytes));
    if (spec.kind === 'mem64') {
      i++;
      addrs.push(0);
      resources.push(new BarResource(0, 0, null, null));
    }
  }
  const t = irqTable(k);
  let irq = 0;
  if (model.interruptPin !== 0) {
    irq = opts.irq ?? t.nextIntx++;
    if (!t.descs.has(irq)) t.create(irq, 'level', 'IO-APIC');
  }
  const config = buildConfigSpace(model, addrs, irq);
  const name = `0000:00:${slot.toString(16).padStart(2, '0')}.0`;
  const pdev = new PciDev(k, name, s.bus, model, config, resources, irq, slot);
  model.attach(pdev.makeContext());
  model.reset();
  k.trace('pci_add', `${name} [${hex4(model.vendor)}:${hex4(model.device)}] ${model.name}`);
  await deviceAdd(pdev);
  return pdev;
}

/**
 * `pci_stop_and_remove_bus_device()`: an orderly removal: unbinds the driver,
 * removes the device from the bus, then the hardware goes away.
 * Context: may sleep.
 */
export async function pciRemoveDevice(pdev: PciDev): Promise<void> {
  checkPciDev('pci_stop_and_remove_bus_device', pdev);
  await deviceDel(pdev);
  pdev.disconnect();
}

/** The model's shape, then every BAR size: nothing is assigned before all pass. */
function checkModel(model: PciDeviceModel): void {
  checkObject('pci_add_device', 'model', model);
  checkString('pci_add_device', 'model.name', model.name);
  if (!Array.isArray(model.bars)) throw badArg('pci_add_device', 'model.bars', 'an array', model.bars);
  checkFn('pci_add_device', 'model.attach', model.attach);
  checkFn('pci_add_device', 'model.reset', model.reset);
  checkIntRange('pci_add_device', 'model.interruptPin', model.interruptPin, 0, 4);
  for (let i = 0; i < PCI_STD_NUM_BARS; i++) {
    const spec = model.bars[i];
    if (!spec) continue;
    checkInt('pci_add_device', `model.bars[${i}].size`, spec.size);
    if (spec.size < 16 || (spec.size & (spec.size - 1)) !== 0) {
      throw new KernelError('EINVAL', `${model.name}: BAR ${i} size ${spec.size} is not a power of two ≥ 16`);
    }
    if (spec.fill !== undefined) checkIntRange('pci_add_device', `model.bars[${i}].fill`, spec.fill, 0, 0xff);
    if (spec.registerBytes !== undefined)
      checkIntRange('pci_add_device', `model.bars[${i}].registerBytes`, spec.registerBytes, 0, spec.size);
    if (spec.kind === 'mem64') i++;
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
