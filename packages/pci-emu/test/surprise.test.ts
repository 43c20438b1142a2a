import { devGetDrvdata, devSetDrvdata } from '@quiesce/core-devres';
import {
  devmRequestIrq,
  EDU_REG_FACT,
  EDU_REG_ID,
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_RAISE,
  EDU_REG_IRQ_STATUS,
  EDU_REG_LIVENESS,
  type IoMem,
  IRQ_HANDLED,
  irqTable,
  PCI_IRQ_MSI,
  PCI_VENDOR_ID,
  PCIBIOS_DEVICE_NOT_FOUND,
  pciAllocIrqVectors,
  pciBus,
  pciIrqVector,
  pcimEnableDevice,
  pcimIomapRegion,
  pciReadConfigByte,
  pciReadConfigDword,
  pciReadConfigWord,
  pciRegisterDriver,
  pciSetMaster,
  pciSurpriseRemove,
  pciWriteConfigWord,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { driver, inTask, kernel, plugEdu } from './helpers.js';

interface Priv {
  io: IoMem;
  removedReads: number[];
}

describe('surprise removal', () => {
  it('MMIO reads all ones, writes dropped, config reads all ones + DEVICE_NOT_FOUND, then unbind', async () => {
    const k = kernel();
    const drv = driver(
      'edu',
      async (pdev) => {
        pcimEnableDevice(pdev);
        devSetDrvdata(pdev, { io: pcimIomapRegion(pdev, 0, 'edu'), removedReads: [] } satisfies Priv);
      },
      async (pdev) => {
        // remove() still has its mapping, but the device is gone.
        const p = devGetDrvdata<Priv>(pdev);
        p.removedReads.push(p.io.readl(EDU_REG_ID));
      },
    );
    await inTask(k, () => pciRegisterDriver(k, drv));
    const { pdev } = await plugEdu(k);
    const priv = devGetDrvdata<Priv>(pdev);
    const io = priv.io;
    io.writel(0x1234_5678, EDU_REG_LIVENESS);
    const task = pciSurpriseRemove(pdev);
    // Before the hotplug task has run, the driver is still bound and its handle live.
    expect(pdev.driver?.name).toBe('edu');
    expect(io.isReleased).toBe(false);
    expect(io.readl(EDU_REG_ID)).toBe(0xffff_ffff);
    expect(io.readl(EDU_REG_LIVENESS)).toBe(0xffff_ffff);
    expect(io.readq(0x80)).toBe(0xffff_ffff_ffff_ffffn);
    expect(io.readb(0)).toBe(0xff);
    io.writel(0, EDU_REG_LIVENESS);
    io.writel(5, EDU_REG_FACT);
    expect(io.readl(EDU_REG_LIVENESS)).toBe(0xffff_ffff);
    expect(io.readl(EDU_REG_FACT)).toBe(0xffff_ffff);
    const v = { val: 0 };
    expect(pciReadConfigDword(pdev, PCI_VENDOR_ID, v)).toBe(PCIBIOS_DEVICE_NOT_FOUND);
    expect(v.val).toBe(0xffff_ffff);
    expect(pciReadConfigWord(pdev, PCI_VENDOR_ID, v)).toBe(PCIBIOS_DEVICE_NOT_FOUND);
    expect(v.val).toBe(0xffff);
    expect(pciReadConfigByte(pdev, PCI_VENDOR_ID, v)).toBe(PCIBIOS_DEVICE_NOT_FOUND);
    expect(v.val).toBe(0xff);
    expect(pciWriteConfigWord(pdev, 4, 0)).toBe(PCIBIOS_DEVICE_NOT_FOUND);
    await k.run();
    expect(task.state).toBe('done');
    expect(pdev.driver).toBeNull();
    expect(priv.removedReads).toEqual([0xffff_ffff]);
    expect(pciBus(k).devices).not.toContain(pdev);
    expect(io.isReleased).toBe(true); // pcim mapping released by the unbind
    expect(pdev.resources[0]?.owner).toBeNull();
    expect(k.reports).toHaveLength(0);
    io.readl(EDU_REG_ID);
    expect(k.reports.map((r) => r.kind)).toEqual(['use-after-remove']);
  });

  it('the device stops: a pending factorial and DMA never complete, and no interrupt arrives', async () => {
    const k = kernel();
    let irqs = 0;
    const drv = driver('edu', async (pdev) => {
      pcimEnableDevice(pdev);
      pciSetMaster(pdev);
      const io = pcimIomapRegion(pdev, 0, 'edu');
      pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI);
      await devmRequestIrq(
        pdev,
        pciIrqVector(pdev, 0),
        () => {
          irqs++;
          io.writel(io.readl(EDU_REG_IRQ_STATUS), EDU_REG_IRQ_ACK);
          return IRQ_HANDLED;
        },
        0,
        'edu',
        pdev,
        null,
      );
      devSetDrvdata(pdev, io);
    });
    await inTask(k, () => pciRegisterDriver(k, drv));
    const { pdev } = await plugEdu(k);
    const io = devGetDrvdata<IoMem>(pdev);
    io.writel(0x80, 0x20);
    io.writel(6, EDU_REG_FACT);
    io.writel(0, 0x98 - 0x18); // DMA src (0x80)
    io.writel(0x40000, 0x88);
    io.writel(4, 0x90);
    io.writel(0x5, 0x98);
    const msiIrq = pdev.msiIrqBase;
    pciSurpriseRemove(pdev);
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(irqs).toBe(0);
    expect(k.armedTimers).toBe(0);
    // pcim-managed MSI vectors were freed at unbind.
    expect(irqTable(k).descs.has(msiIrq)).toBe(false);
    expect(k.reports).toHaveLength(0);
  });
});
