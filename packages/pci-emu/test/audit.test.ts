import { isKernelError } from '@quiesce/core-devres';
import {
  devmRequestIrq,
  disableIrq,
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_RAISE,
  enableIrq,
  type IoMem,
  IRQ_HANDLED,
  irqOccupy,
  pciIomap,
  requestIrq,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { inTask, kernel, plugEdu } from './helpers.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isKernelError(e)) return e.code;
    throw e;
  }
  return 'ok';
}

describe('fidelity: request_irq and disable_irq edge cases', () => {
  it('request_irq with a NULL handler is -EINVAL (request_threaded_irq with both NULL); a non-function is a TypeError', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    expect(await inTask(k, () => code(requestIrq(k, pdev.intxIrq, null as never, 0, 'x', 'd', null)))).toBe('EINVAL');
    expect(await inTask(k, () => code(devmRequestIrq(pdev, pdev.intxIrq, null as never, 0, 'x', 'd', null)))).toBe(
      'EINVAL',
    );
    await expect(inTask(k, () => requestIrq(k, pdev.intxIrq, 42 as never, 0, 'x', 'd', null))).rejects.toThrow(
      /request_irq: handler must be a function/,
    );
  });

  it('disable_irq waits for a handler running on another CPU, and no pass runs until enable_irq', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    const runs: number[] = [];
    await inTask(k, () =>
      requestIrq(
        k,
        pdev.intxIrq,
        () => {
          runs.push(k.now);
          io.writel(0xffff_ffff, EDU_REG_IRQ_ACK);
          irqOccupy(k, 30_000);
          return IRQ_HANDLED;
        },
        0,
        'edu',
        'd',
        null,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    const back = k.spawn('disabler', async () => {
      await k.yield();
      await disableIrq(k, pdev.intxIrq);
      const at = k.now;
      io.writel(2, EDU_REG_IRQ_RAISE); // masked: no pass
      return at;
    });
    await k.run();
    expect(await back.result()).toBe(30_000);
    expect(runs).toEqual([0]);
    enableIrq(k, pdev.intxIrq); // the line is still asserted: it fires now
    await k.run();
    expect(runs).toEqual([0, 30_000]);
  });
});
