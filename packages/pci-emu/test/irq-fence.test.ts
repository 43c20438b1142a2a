// devm_request_irq's fence goes through the core Fence: the flag closes,
// free_irq unlinks the action and waits for the handler still running on
// another CPU; a message arriving during the wait does not call the handler.
import { deviceReleaseDriver, sleepNs } from '@quiesce/core-devres';
import {
  devmRequestIrq,
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_RAISE,
  type IoMem,
  IRQ_HANDLED,
  irqOccupy,
  PCI_IRQ_MSI,
  pciAllocIrqVectors,
  pciIomap,
  pciIrqVector,
  pciRegisterDriver,
  pciSetMaster,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { driver, inTask, kernel, plugEdu } from './helpers.js';

const SPAN = 10_000;

describe('devm IRQ fence order (core Fence)', () => {
  it('closes before free_irq waits; an MSI during the wait is not delivered to the handler; fenced when the span ends', async () => {
    const k = kernel();
    const runs: number[] = [];
    let irq = -1;
    await inTask(k, () =>
      pciRegisterDriver(
        k,
        driver('edu', async (p) => {
          pciSetMaster(p);
          pciAllocIrqVectors(p, 1, 1, PCI_IRQ_MSI);
          irq = pciIrqVector(p, 0);
          await devmRequestIrq(
            p,
            irq,
            function edu_irq() {
              runs.push(k.now);
              irqOccupy(k, SPAN);
              return IRQ_HANDLED;
            },
            0,
            'edu',
            p,
            null,
          );
        }),
      ),
    );
    const { pdev } = await plugEdu(k);
    // The test's own mapping (not the driver's): raises and acks the device's interrupt.
    const io = pciIomap(pdev, 0, 0) as IoMem;
    io.writel(1, EDU_REG_IRQ_RAISE); // the handler runs at 0 and keeps its CPU until SPAN
    k.spawn('unbind', async () => {
      await k.yield();
      await deviceReleaseDriver(pdev);
    });
    k.spawn('device', async () => {
      await sleepNs(k, SPAN / 2); // during free_irq's wait
      io.writel(1, EDU_REG_IRQ_ACK);
      io.writel(1, EDU_REG_IRQ_RAISE);
    });
    await k.run();
    const name = `irq ${irq} edu`;
    const ev = k.traceLog
      .filter((e) => (['fence_close', 'fence_done'].includes(e.ev) && e.detail === name) || e.ev === 'free_irq')
      .map((e) => [e.ev, e.t]);
    expect(ev).toEqual([
      ['fence_close', 0],
      ['free_irq', 0],
      ['fence_done', SPAN],
    ]);
    expect(runs).toEqual([0]);
    // The second message was raised during the wait (the device task ended at SPAN / 2, before fence_done).
    const raisedAt = k.traceLog.find((e) => e.ev === 'exit' && e.detail.startsWith('device/'))?.t;
    expect(raisedAt).toBe(SPAN / 2);
    expect(k.reports).toEqual([]);
  });
});
