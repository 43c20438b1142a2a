import { type BoundDevice, Kernel, type ModuleOwner } from '@quiesce/core-devres';
import { EduDevice, type IoMem, type PciDev, type PciDeviceId, type PciDriver, pciAddDevice } from '@quiesce/pci-emu';

export const EDU_ID_TABLE: readonly PciDeviceId[] = [{ vendor: 0x1234, device: 0x11e8 }];

/** Runs `fn` as a kernel task to completion and returns its result. */
export async function inTask<T>(k: Kernel, fn: () => Promise<T> | T): Promise<T> {
  return k.exec('test', fn);
}

/** Plugs an edu device in with no driver around. */
export async function plugEdu(k: Kernel, edu = new EduDevice()): Promise<{ pdev: PciDev; edu: EduDevice }> {
  const pdev = await inTask(k, () => pciAddDevice(k, edu));
  return { pdev, edu };
}

/** A test driver whose probe/remove are supplied by the test. */
export function driver(
  name: string,
  probe: (pdev: PciDev, id: PciDeviceId, bound: BoundDevice) => Promise<void>,
  remove?: (pdev: PciDev, bound: BoundDevice) => Promise<void>,
  owner: ModuleOwner | null = null,
  idTable: readonly PciDeviceId[] = EDU_ID_TABLE,
): PciDriver {
  return { name, owner, idTable, probe, ...(remove ? { remove } : {}) };
}

/** A module owner whose text can be "freed". */
export function fakeModule(name: string): ModuleOwner & { textFreed: boolean; state: 'LIVE' | 'GOING' } {
  return {
    name,
    state: 'LIVE',
    textFreed: false,
    tryGet() {
      return this.state === 'LIVE';
    },
    put() {},
  };
}

export function kernel(): Kernel {
  return new Kernel({ cpus: 2 });
}

export type { IoMem };
