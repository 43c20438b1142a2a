import { deviceReleaseDriver, isKernelError, KernelError } from '@quiesce/core-devres';
import {
  EDU_REG_ID,
  EDU_REG_LIVENESS,
  EduDevice,
  type IoMem,
  PCI_ANY_ID,
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  type PciDev,
  pciAddDevice,
  pciBus,
  pciDisableDevice,
  pciEnableDevice,
  pciIomap,
  pciIomapRange,
  pciIounmap,
  pcimEnableDevice,
  pcimIomap,
  pcimIomapRegion,
  pcimIounmap,
  pcimPinDevice,
  pcimRequestRegion,
  pciReadConfigWord,
  pciRegisterDriver,
  pciReleaseRegion,
  pciReleaseRegions,
  pciRequestRegion,
  pciRequestRegions,
  pciSetMaster,
  pciUnregisterDriver,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { driver, inTask, kernel, plugEdu } from './helpers.js';

function command(pdev: PciDev): number {
  const v = { val: 0 };
  pciReadConfigWord(pdev, PCI_COMMAND, v);
  return v.val;
}

function errno(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isKernelError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('bus and driver matching', () => {
  it('probes a device whose IDs match the table, with the matching entry', async () => {
    const k = kernel();
    const seen: unknown[] = [];
    const drv = driver(
      'edu-drv',
      async (_p, id) => {
        seen.push(id.driverData);
      },
      undefined,
      null,
      [
        { vendor: 0x1234, device: 0x1111, driverData: 'wrong' },
        { vendor: 0x1234, device: 0x11e8, driverData: 'edu' },
      ],
    );
    await inTask(k, () => pciRegisterDriver(k, drv));
    const { pdev } = await plugEdu(k);
    expect(pdev.driver?.name).toBe('edu-drv');
    expect(seen).toEqual(['edu']);
    expect(pciBus(k).devices).toContain(pdev);
  });

  it('PCI_ANY_ID matches any device; a non-matching table does not bind', async () => {
    const k = kernel();
    const none = driver('none', async () => {}, undefined, null, [{ vendor: 0x8086, device: 0x1234 }]);
    await inTask(k, () => pciRegisterDriver(k, none));
    const { pdev } = await plugEdu(k);
    expect(pdev.driver).toBeNull();
    const any = driver('any', async () => {}, undefined, null, [{ vendor: 0x1234, device: PCI_ANY_ID }]);
    await inTask(k, () => pciRegisterDriver(k, any)); // binds existing devices
    expect(pdev.driver?.name).toBe('any');
    await inTask(k, () => pciUnregisterDriver(k, any));
    expect(pdev.driver).toBeNull();
  });

  it('a failing probe leaves the device unbound and undoes its pcim resources', async () => {
    const k = kernel();
    let io: IoMem | null = null;
    const drv = driver('bad', async (p) => {
      pcimEnableDevice(p);
      io = pcimIomapRegion(p, 0, 'bad');
      throw new KernelError('ENODEV', 'no');
    });
    await inTask(k, () => pciRegisterDriver(k, drv));
    const { pdev } = await plugEdu(k);
    expect(pdev.driver).toBeNull();
    expect(pdev.resources[0]?.owner).toBeNull();
    expect(pdev.enableCnt).toBe(0);
    expect((io as IoMem | null)?.isReleased).toBe(true);
  });
});

describe('pci_enable_device', () => {
  it('is reference counted: decoding on at the first enable, master cleared at the last disable', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    pdev.config.write(PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
    pciEnableDevice(pdev);
    expect(pdev.enableCnt).toBe(1);
    expect(command(pdev) & PCI_COMMAND_MEMORY).toBe(PCI_COMMAND_MEMORY);
    expect(command(pdev) & PCI_COMMAND_INTX_DISABLE).toBe(0);
    pciEnableDevice(pdev);
    expect(pdev.enableCnt).toBe(2);
    pciSetMaster(pdev);
    pciDisableDevice(pdev);
    expect(pdev.isEnabled).toBe(true);
    expect(command(pdev) & PCI_COMMAND_MASTER).toBe(PCI_COMMAND_MASTER);
    pciDisableDevice(pdev);
    expect(pdev.isEnabled).toBe(false);
    expect(command(pdev) & PCI_COMMAND_MASTER).toBe(0);
    expect(command(pdev) & PCI_COMMAND_MEMORY).toBe(PCI_COMMAND_MEMORY); // the kernel leaves decoding on
    expect(k.reports).toHaveLength(0);
  });

  it('disabling a disabled device warns "disabling already-disabled device"', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    pciDisableDevice(pdev);
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
    expect(k.reports[0]?.title).toContain('disabling already-disabled device');
  });

  it('pcim_enable_device disables at unbind; a pinned device stays enabled', async () => {
    const k = kernel();
    const drv = driver('m', async (p) => pcimEnableDevice(p));
    await inTask(k, () => pciRegisterDriver(k, drv));
    const { pdev } = await plugEdu(k);
    expect(pdev.enableCnt).toBe(1);
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect(pdev.enableCnt).toBe(0);
    const pin = driver('pin', async (p) => {
      pcimEnableDevice(p);
      pcimPinDevice(p);
    });
    await inTask(k, () => pciUnregisterDriver(k, drv));
    await inTask(k, () => pciRegisterDriver(k, pin));
    expect(pdev.driver?.name).toBe('pin');
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect(pdev.enableCnt).toBe(1);
  });
});

describe('regions', () => {
  it('a taken region is -EBUSY; release makes it available again', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    pciRequestRegion(pdev, 0, 'a');
    expect(errno(() => pciRequestRegion(pdev, 0, 'b'))).toBe('EBUSY');
    pciReleaseRegion(pdev, 0);
    pciRequestRegion(pdev, 0, 'b');
    expect(pdev.resources[0]?.owner).toBe('b');
  });

  it('an unused BAR succeeds without reserving; an invalid index is -EINVAL', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    pciRequestRegion(pdev, 3, 'x');
    expect(pdev.resources[3]?.owner).toBeNull();
    expect(errno(() => pciRequestRegion(pdev, 6, 'x'))).toBe('EINVAL');
    expect(errno(() => pciRequestRegion(pdev, -1, 'x'))).toBe('EINVAL');
  });

  it('pci_request_regions takes all and rolls back what it took when one is busy', async () => {
    const k = kernel();
    const model = new EduDevice();
    // A device with three BARs: 0 and 2 free, 1 taken by someone else.
    const three = Object.assign(Object.create(Object.getPrototypeOf(model)), model, {
      bars: [
        { kind: 'mem32', size: 0x10_0000 },
        { kind: 'mem32', size: 0x1000 },
        { kind: 'mem32', size: 0x1000 },
      ],
    });
    const pdev = await inTask(k, () => pciAddDevice(k, three));
    pciRequestRegion(pdev, 1, 'other');
    expect(errno(() => pciRequestRegions(pdev, 'mine'))).toBe('EBUSY');
    expect(pdev.resources[0]?.owner).toBeNull(); // rolled back
    expect(pdev.resources[1]?.owner).toBe('other'); // untouched
    expect(pdev.resources[2]?.owner).toBeNull(); // never taken
    pciReleaseRegion(pdev, 1);
    pciRequestRegions(pdev, 'mine');
    expect(pdev.resources.slice(0, 3).map((r) => r.owner)).toEqual(['mine', 'mine', 'mine']);
    pciReleaseRegions(pdev);
    expect(pdev.resources.every((r) => r.owner === null)).toBe(true);
  });

  it('pcim_request_region is released at unbind', async () => {
    const k = kernel();
    await inTask(k, () =>
      pciRegisterDriver(
        k,
        driver('r', async (p) => pcimRequestRegion(p, 0, 'r')),
      ),
    );
    const { pdev } = await plugEdu(k);
    expect(pdev.resources[0]?.owner).toBe('r');
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect(pdev.resources[0]?.owner).toBeNull();
    expect(k.reports).toHaveLength(0);
  });

  it('a region requested in probe and not released is a leak at unbind', async () => {
    const k = kernel();
    await inTask(k, () =>
      pciRegisterDriver(
        k,
        driver('leaky', async (p) => pciRequestRegion(p, 0, 'leaky')),
      ),
    );
    const { pdev } = await plugEdu(k);
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect(k.reports.map((r) => r.kind)).toEqual(['leak-at-unbind']);
  });
});

describe('pci_iomap', () => {
  it('null for an invalid or empty BAR', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    expect(pciIomap(pdev, 1, 0)).toBeNull();
    expect(pciIomap(pdev, 6, 0)).toBeNull();
    expect(pciIomap(pdev, -1, 0)).toBeNull();
  });

  it('maxlen 0 or larger than the BAR maps the whole BAR; smaller maps maxlen', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    expect(pciIomap(pdev, 0, 0)?.length).toBe(0x10_0000);
    expect(pciIomap(pdev, 0, 0x20_0000)?.length).toBe(0x10_0000);
    expect(pciIomap(pdev, 0, 0x100)?.length).toBe(0x100);
    const r = pciIomapRange(pdev, 0, 0x80, 0x20);
    expect(r?.length).toBe(0x20);
    expect(pciIomapRange(pdev, 0, 0x10_0000, 0)).toBeNull();
  });

  it('a ranged mapping addresses the BAR at its offset', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const whole = pciIomap(pdev, 0, 0) as IoMem;
    const win = pciIomapRange(pdev, 0, 0x4, 8) as IoMem;
    win.writel(0x0000_00ff, 0); // liveness register at BAR offset 4
    expect(whole.readl(EDU_REG_LIVENESS)).toBe(0xffff_ff00);
    expect(win.readl(0)).toBe(0xffff_ff00);
  });

  it('pci_iounmap kills the handle: a stale readl is a use-after-remove, a second unmap a double release', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    expect(io.readl(EDU_REG_ID)).toBe(0x010000ed);
    pciIounmap(pdev, io);
    expect(io.readl(EDU_REG_ID)).toBe(0xffff_ffff);
    expect(k.reports.map((r) => r.kind)).toEqual(['use-after-remove']);
    pciIounmap(pdev, io);
    expect(k.reports.map((r) => r.kind)).toEqual(['use-after-remove', 'double-release']);
  });

  it('a pci_iomap left mapped at unbind is a leak', async () => {
    const k = kernel();
    await inTask(k, () =>
      pciRegisterDriver(
        k,
        driver('leaky', async (p) => void pciIomap(p, 0, 0)),
      ),
    );
    const { pdev } = await plugEdu(k);
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect(k.reports.map((r) => r.kind)).toEqual(['leak-at-unbind']);
  });
});

describe('pcim_iomap / pcim_iomap_region', () => {
  it('pcim_iomap is undone at unbind: the handle is dead afterwards', async () => {
    const k = kernel();
    const data: { io: IoMem | null } = { io: null };
    await inTask(k, () =>
      pciRegisterDriver(
        k,
        driver('m', async (p) => {
          data.io = pcimIomap(p, 0, 0);
        }),
      ),
    );
    const { pdev } = await plugEdu(k);
    const io = data.io as IoMem;
    expect(io.readl(EDU_REG_ID)).toBe(0x010000ed);
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect(io.isReleased).toBe(true);
    expect(k.reports).toHaveLength(0);
    expect(io.readl(EDU_REG_ID)).toBe(0xffff_ffff);
    expect(k.reports.map((r) => r.kind)).toEqual(['use-after-remove']);
    expect(k.reports[0]?.title).toContain('readl');
  });

  it('pcim_iomap is meant once per BAR: a second mapping warns and still maps', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const a = pcimIomap(pdev, 0, 0);
    const b = pcimIomap(pdev, 0, 0);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
  });

  it('pcim_iounmap unmaps now and drops the devres entry', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const a = pcimIomap(pdev, 0, 0) as IoMem;
    const n = pdev.devres.length;
    await inTask(k, () => pcimIounmap(pdev, a));
    expect(a.isReleased).toBe(true);
    expect(pdev.devres.length).toBe(n - 1);
    expect(pcimIomap(pdev, 0, 0)).not.toBeNull(); // the BAR slot is free again: no warning
    expect(k.reports).toHaveLength(0);
  });

  it('pcim_iomap_region requests and maps; a taken region is -EBUSY, an empty BAR -EINVAL', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pcimIomapRegion(pdev, 0, 'edu');
    expect(io.length).toBe(0x10_0000);
    expect(pdev.resources[0]?.owner).toBe('edu');
    expect(errno(() => pcimIomapRegion(pdev, 0, 'again'))).toBe('EBUSY');
    expect(errno(() => pcimIomapRegion(pdev, 2, 'empty'))).toBe('EINVAL');
    expect(errno(() => pcimIomapRegion(pdev, 7, 'bad'))).toBe('EINVAL');
  });

  it('pcim_iomap_region: unbind unmaps and releases the region', async () => {
    const k = kernel();
    const data: { io: IoMem | null } = { io: null };
    await inTask(k, () =>
      pciRegisterDriver(
        k,
        driver('m', async (p) => {
          pcimEnableDevice(p);
          data.io = pcimIomapRegion(p, 0, 'm');
        }),
      ),
    );
    const { pdev } = await plugEdu(k);
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect(data.io?.isReleased).toBe(true);
    expect(pdev.resources[0]?.owner).toBeNull();
    expect(pdev.enableCnt).toBe(0);
    expect(k.reports).toHaveLength(0);
  });
});
