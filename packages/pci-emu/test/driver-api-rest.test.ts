// The rest of the driver-facing PCI API: pci_clear_master, the pcim "release
// now" calls, disable_irq_nosync/enable_irq, pci_remove_device, and constants
// from include/uapi/linux/pci_regs.h and include/linux/pci.h.
import { isKernelError } from '@quiesce/core-devres';
import {
  disableIrqNosync,
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_RAISE,
  EDU_REG_LIVENESS,
  enableIrq,
  type IoMem,
  IRQ_HANDLED,
  PCI_CLASS_DEVICE,
  PCI_COMMAND,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_IRQ_ALL_TYPES,
  PCI_IRQ_INTX,
  PCI_IRQ_LEGACY,
  PCI_ROM_ADDRESS,
  type PciDev,
  pciClearMaster,
  pciEnableDevice,
  pciIomap,
  pcimIomapRegion,
  pcimIounmapRegion,
  pcimReleaseRegion,
  pcimRequestRegion,
  pciReadConfigWord,
  pciRegisterDriver,
  pciRemoveDevice,
  pciRequestRegion,
  pciSetMaster,
  requestIrq,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { driver, inTask, kernel, plugEdu } from './helpers.js';

function configWord(pdev: PciDev, where: number): number {
  const v = { val: 0 };
  pciReadConfigWord(pdev, where, v);
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

describe('constants', () => {
  it('config offsets and IRQ types have the kernel values', () => {
    expect(PCI_CLASS_DEVICE).toBe(0x0a);
    expect(PCI_ROM_ADDRESS).toBe(0x30);
    expect(PCI_IRQ_LEGACY).toBe(PCI_IRQ_INTX);
    expect(PCI_IRQ_ALL_TYPES).toBe(0b111); // INTX | MSI | MSIX
  });
});

describe('pci_clear_master', () => {
  it('clears only the bus-master bit of PCI_COMMAND', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    pciEnableDevice(pdev);
    pciSetMaster(pdev);
    expect(configWord(pdev, PCI_COMMAND) & PCI_COMMAND_MASTER).toBe(PCI_COMMAND_MASTER);
    pciClearMaster(pdev);
    expect(configWord(pdev, PCI_COMMAND) & PCI_COMMAND_MASTER).toBe(0);
    expect(configWord(pdev, PCI_COMMAND) & PCI_COMMAND_MEMORY).toBe(PCI_COMMAND_MEMORY);
    expect(pdev.isBusmaster).toBe(false);
  });
});

describe('pcim release-now calls', () => {
  it('pcim_iounmap_region unmaps, frees the region and drops the devres entry', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const n = pdev.devres.length;
    const io = pcimIomapRegion(pdev, 0, 'edu');
    await inTask(k, () => pcimIounmapRegion(pdev, io));
    expect(io.isReleased).toBe(true);
    expect(pdev.devres.length).toBe(n);
    expect(pdev.resources[0]?.owner).toBeNull();
    expect(errno(() => pciRequestRegion(pdev, 0, 'next'))).toBeUndefined();
    expect(k.reports).toHaveLength(0);
  });

  it('pcim_release_region frees a pcim region now; a second call does nothing', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const n = pdev.devres.length;
    pcimRequestRegion(pdev, 0, 'edu');
    expect(errno(() => pciRequestRegion(pdev, 0, 'other'))).toBe('EBUSY');
    await inTask(k, () => pcimReleaseRegion(pdev, 0));
    expect(pdev.devres.length).toBe(n);
    expect(pdev.resources[0]?.owner).toBeNull();
    await inTask(k, () => pcimReleaseRegion(pdev, 0));
    expect(errno(() => pciRequestRegion(pdev, 0, 'other'))).toBeUndefined();
    expect(k.reports).toHaveLength(0);
  });
});

describe('disable_irq_nosync / enable_irq', () => {
  it('nests: no handler pass until the last enable, then the still-asserted line is handled', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    const irq = pdev.intxIrq;
    const calls: number[] = [];
    await inTask(k, () =>
      requestIrq(
        k,
        irq,
        () => {
          calls.push(k.now);
          io.writel(0xffff_ffff, EDU_REG_IRQ_ACK);
          return IRQ_HANDLED;
        },
        0,
        'edu',
        null,
        null,
      ),
    );
    disableIrqNosync(k, irq);
    disableIrqNosync(k, irq);
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(calls).toEqual([]);
    enableIrq(k, irq);
    await k.run();
    expect(calls).toEqual([]); // depth 1: still disabled
    enableIrq(k, irq);
    await k.run();
    expect(calls).toHaveLength(1);
    expect(k.reports).toHaveLength(0);
  });

  it('an unbalanced enable_irq warns "Unbalanced enable for IRQ n"', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    await inTask(k, () => requestIrq(k, pdev.intxIrq, () => IRQ_HANDLED, 0, 'edu', null, null));
    enableIrq(k, pdev.intxIrq);
    expect(k.reports.map((r) => [r.kind, r.detail])).toEqual([['warn', `Unbalanced enable for IRQ ${pdev.intxIrq}`]]);
  });
});

describe('pci_remove_device', () => {
  it('unbinds the driver (remove runs), then the hardware is gone: reads return all ones', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    const log: string[] = [];
    const drv = driver(
      'edu',
      async () => {
        log.push('probe');
      },
      async () => {
        log.push(`remove (present: ${pdev.present})`);
      },
    );
    await inTask(k, () => pciRegisterDriver(k, drv));
    await inTask(k, () => pciRemoveDevice(pdev));
    expect(log).toEqual(['probe', 'remove (present: true)']);
    expect(pdev.driver).toBeNull();
    expect(pdev.present).toBe(false);
    expect(io.readl(EDU_REG_LIVENESS)).toBe(0xffff_ffff);
  });
});
