import { devGetDrvdata, deviceReleaseDriver, devSetDrvdata } from '@quiesce/core-devres';
import {
  devmRequestIrq,
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_RAISE,
  EDU_REG_IRQ_STATUS,
  type IoMem,
  IRQ_HANDLED,
  irqOccupy,
  type PciDev,
  pciIomap,
  pcimEnableDevice,
  pcimIomap,
  pciRegisterDriver,
  requestIrq,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { driver, inTask, kernel, plugEdu } from './helpers.js';

/** An edu driver: BAR mapped with pcim_iomap, then the IRQ; the ISR reads the BAR. */
function eduDriver(managedIrq: boolean, log: number[]) {
  return driver('edu', async (pdev: PciDev) => {
    pcimEnableDevice(pdev);
    const priv = { io: pcimIomap(pdev, 0, 0) as IoMem };
    devSetDrvdata(pdev, priv);
    const isr = function eduIsr(_irq: number, d: unknown) {
      const p = d as typeof priv;
      const st = p.io.readl(EDU_REG_IRQ_STATUS);
      log.push(st);
      p.io.writel(st, EDU_REG_IRQ_ACK);
      irqOccupy(pdev.kernel, 20_000);
      return IRQ_HANDLED;
    };
    if (managedIrq) await devmRequestIrq(pdev, pdev.intxIrq, isr, 0, 'edu', priv, null);
    else await requestIrq(pdev.kernel, pdev.intxIrq, isr, 0, 'edu', priv, null);
  });
}

describe('lifecycle: IRQ and mapping under devres', () => {
  it('devm IRQ + pcim mapping: unbind during a running handler waits, then unmaps: no report', async () => {
    const k = kernel();
    const log: number[] = [];
    await inTask(k, () => pciRegisterDriver(k, eduDriver(true, log)));
    const { pdev } = await plugEdu(k);
    const io = devGetDrvdata<{ io: IoMem }>(pdev).io;
    io.writel(0x8, EDU_REG_IRQ_RAISE);
    k.spawn('unbind', async () => {
      await k.yield();
      await deviceReleaseDriver(pdev);
    });
    await k.run();
    expect(log).toEqual([0x8]);
    expect(io.isReleased).toBe(true);
    expect(k.reports).toHaveLength(0);
  });

  it('bug: request_irq never freed: the handler runs after unbind on a dead mapping', async () => {
    const k = kernel();
    const log: number[] = [];
    await inTask(k, () => pciRegisterDriver(k, eduDriver(false, log)));
    const { pdev } = await plugEdu(k);
    const io = devGetDrvdata<{ io: IoMem }>(pdev).io;
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect(k.reports.map((r) => r.kind)).toEqual(['leak-at-unbind']);
    expect(k.reports[0]?.resource).toContain(`irq ${pdev.intxIrq}`);
    // Someone else (a new mapping, no driver bound) makes the device interrupt.
    (pciIomap(pdev, 0, 0) as IoMem).writel(1, EDU_REG_IRQ_RAISE);
    await k.runFor(1);
    expect(k.reports.map((r) => r.kind)).toContain('use-after-remove');
    expect(io.isReleased).toBe(true);
  });
});
