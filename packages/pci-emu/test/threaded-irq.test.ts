import { deviceReleaseDriver, isKernelError, type Kernel, msleep } from '@quiesce/core-devres';
import {
  devmRequestThreadedIrq,
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_RAISE,
  freeIrq,
  type IoMem,
  IRQ_HANDLED,
  IRQ_WAKE_THREAD,
  IRQF_ONESHOT,
  IRQF_SHARED,
  irqTable,
  PCI_IRQ_MSI,
  type PciDev,
  pciAllocIrqVectors,
  pciIomap,
  pciIrqVector,
  pcimIomap,
  pciRegisterDriver,
  pciSetMaster,
  requestIrq,
  requestThreadedIrq,
  synchronizeIrq,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { driver, fakeModule, inTask, kernel, plugEdu } from './helpers.js';

const EDU_REG_IRQ_STATUS = 0x24;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isKernelError(e)) return e.code;
    throw e;
  }
  return 'ok';
}

async function edu(k: Kernel): Promise<{ pdev: PciDev; io: IoMem; irq: number }> {
  const { pdev } = await plugEdu(k);
  return { pdev, io: pciIomap(pdev, 0, 0) as IoMem, irq: pdev.intxIrq };
}

describe('request_threaded_irq', () => {
  it('the thread function runs in process context in task irq/N-name and may sleep; ONESHOT keeps the line masked until it returns', async () => {
    const k = kernel();
    const { io, irq } = await edu(k);
    const log: string[] = [];
    await inTask(k, () =>
      requestThreadedIrq(
        k,
        irq,
        () => {
          log.push(`hard ${k.contextInfo().kind}@${k.now}`);
          return IRQ_WAKE_THREAD; // the device is only quieted by the thread
        },
        async () => {
          const c = k.contextInfo();
          log.push(`thread ${c.kind} ${c.name} atomic=${k.inAtomic()}@${k.now}`);
          await msleep(k, 2); // may sleep: the level line stays asserted meanwhile
          io.writel(io.readl(EDU_REG_IRQ_STATUS), EDU_REG_IRQ_ACK);
          return IRQ_HANDLED;
        },
        IRQF_ONESHOT,
        'edu',
        'd',
        null,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    // One hardirq pass only: without the mask the asserted line would re-fire and storm.
    expect(log).toEqual(['hard hardirq@0', `thread task irq/${irq}-edu atomic=false@0`]);
    expect(io.readl(EDU_REG_IRQ_STATUS)).toBe(0);
    expect(k.reports).toEqual([]);
    expect(irqTable(k).descs.get(irq)?.threadsOneshot).toBe(0);
  });

  it('a NULL handler needs IRQF_ONESHOT on INTx (-EINVAL), not on PCI-MSI (one-shot safe); both NULL is -EINVAL', async () => {
    const k = kernel();
    const { pdev, irq } = await edu(k);
    const thread = async () => IRQ_HANDLED;
    expect(await inTask(k, () => code(requestThreadedIrq(k, irq, null, thread, 0, 'edu', 'd', null)))).toBe('EINVAL');
    expect(await inTask(k, () => code(requestThreadedIrq(k, irq, null, null, IRQF_ONESHOT, 'edu', 'd', null)))).toBe(
      'EINVAL',
    );
    expect(irqTable(k).descs.get(irq)?.actions).toEqual([]);
    expect(await inTask(k, () => code(requestThreadedIrq(k, irq, null, thread, IRQF_ONESHOT, 'edu', 'd', null)))).toBe(
      'ok',
    );
    await inTask(k, () => pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI));
    const msi = pciIrqVector(pdev, 0);
    expect(await inTask(k, () => code(requestThreadedIrq(k, msi, null, thread, 0, 'edu-msi', 'm', null)))).toBe('ok');
  });

  it('callbacks that are neither a function nor null are a TypeError', async () => {
    const k = kernel();
    const { irq } = await edu(k);
    await expect(
      inTask(k, () => requestThreadedIrq(k, irq, 5 as never, null, IRQF_ONESHOT, 'edu', 'd', null)),
    ).rejects.toThrow(/request_threaded_irq: handler/);
    await expect(
      inTask(k, () => requestThreadedIrq(k, irq, null, 'x' as never, IRQF_ONESHOT, 'edu', 'd', null)),
    ).rejects.toThrow(/thread_fn/);
  });

  it('shared line: an ONESHOT mismatch with the existing action is -EBUSY', async () => {
    const k = kernel();
    const { irq } = await edu(k);
    const t = async () => IRQ_HANDLED;
    await inTask(k, () => requestThreadedIrq(k, irq, null, t, IRQF_SHARED | IRQF_ONESHOT, 'a', 'A', null));
    expect(await inTask(k, () => code(requestIrq(k, irq, () => IRQ_HANDLED, IRQF_SHARED, 'b', 'B', null)))).toBe(
      'EBUSY',
    );
    expect(
      await inTask(k, () => code(requestThreadedIrq(k, irq, null, t, IRQF_SHARED | IRQF_ONESHOT, 'c', 'C', null))),
    ).toBe('ok');
  });

  it('IRQ_WAKE_THREAD from an action without a thread function warns', async () => {
    const k = kernel();
    const { io, irq } = await edu(k);
    await inTask(k, () =>
      requestIrq(
        k,
        irq,
        () => {
          io.writel(1, EDU_REG_IRQ_ACK);
          return IRQ_WAKE_THREAD;
        },
        0,
        'edu',
        'd',
        null,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(k.reports.map((r) => r.title)).toEqual([
      `WARNING: IRQ ${irq} device edu returned IRQ_WAKE_THREAD but no thread function available.`,
    ]);
  });

  it('wakes while a run is pending fold into it; a wake during a run makes it run once more', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    pciSetMaster(pdev); // MSI is a DMA write
    await inTask(k, () => pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI));
    const msi = pciIrqVector(pdev, 0);
    let hard = 0;
    const runs: number[] = [];
    await inTask(k, () =>
      requestThreadedIrq(
        k,
        msi,
        () => {
          hard++;
          io.writel(io.readl(EDU_REG_IRQ_STATUS), EDU_REG_IRQ_ACK);
          return IRQ_WAKE_THREAD;
        },
        async () => {
          runs.push(k.now);
          await msleep(k, 1);
          return IRQ_HANDLED;
        },
        0,
        'edu',
        'd',
        null,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.runFor(10_000); // hardirq ran, thread woken (pending or in its sleep)
    io.writel(1, EDU_REG_IRQ_RAISE); // during the run: one more run
    await k.runFor(10_000);
    io.writel(1, EDU_REG_IRQ_RAISE); // folded into the pending one
    await k.run();
    expect(hard).toBe(3);
    expect(runs).toEqual([0, 1_000_000]);
  });

  it('an unloaded owner: the thread function is not called (execute-after-free)', async () => {
    const k = kernel();
    const { io, irq } = await edu(k);
    const mod = fakeModule('edu');
    let ran = false;
    await inTask(k, () =>
      requestThreadedIrq(
        k,
        irq,
        () => {
          io.writel(1, EDU_REG_IRQ_ACK);
          mod.textFreed = true; // the module goes away between hardirq and thread
          return IRQ_WAKE_THREAD;
        },
        async function eduThread() {
          ran = true;
          return IRQ_HANDLED;
        },
        IRQF_ONESHOT,
        'edu',
        'd',
        mod,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(ran).toBe(false);
    expect(k.reports.map((r) => r.kind)).toEqual(['execute-after-free']);
    expect(k.reports[0]?.resource).toBe('eduThread [edu]');
  });
});

describe('free_irq and synchronize_irq with a thread', () => {
  it('free_irq waits for a sleeping thread function, then stops the thread; nothing runs after it returns', async () => {
    const k = kernel();
    const { io, irq } = await edu(k);
    const events: string[] = [];
    await inTask(k, () =>
      requestThreadedIrq(
        k,
        irq,
        null,
        async () => {
          events.push(`thread start@${k.now}`);
          await msleep(k, 5);
          io.writel(1, EDU_REG_IRQ_ACK);
          events.push(`thread end@${k.now}`);
          return IRQ_HANDLED;
        },
        IRQF_ONESHOT,
        'edu',
        'd',
        null,
      ),
    );
    const thread = irqTable(k).descs.get(irq)?.actions[0]?.thread;
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.runFor(1_000_000); // the thread is asleep inside its function
    await inTask(k, async () => {
      expect(await freeIrq(k, irq, 'd')).toBe('edu');
      events.push(`freed@${k.now}`);
      io.writel(1, EDU_REG_IRQ_RAISE); // nobody listens now
    });
    expect(events).toEqual(['thread start@0', 'thread end@5000000', 'freed@5000000']);
    expect(thread?.task.exited).toBe(true);
    expect(k.reports).toEqual([]);
  });

  it('synchronize_irq waits for a woken thread function too', async () => {
    const k = kernel();
    const { io, irq } = await edu(k);
    let done = false;
    await inTask(k, () =>
      requestThreadedIrq(
        k,
        irq,
        null,
        async () => {
          await msleep(k, 3);
          io.writel(1, EDU_REG_IRQ_ACK);
          done = true;
          return IRQ_HANDLED;
        },
        IRQF_ONESHOT,
        'edu',
        'd',
        null,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.runFor(1000);
    const at = await inTask(k, async () => {
      await synchronizeIrq(k, irq);
      return done;
    });
    expect(at).toBe(true);
  });

  it('devm_request_threaded_irq: unbind frees it, waiting for the thread function', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const box: { io: IoMem | null; ended: number } = { io: null, ended: -1 };
    await inTask(k, () =>
      pciRegisterDriver(
        k,
        driver('edu', async (p) => {
          box.io = pcimIomap(p, 0, 0);
          await devmRequestThreadedIrq(
            p,
            p.intxIrq,
            null,
            async () => {
              await msleep(k, 4);
              box.io?.writel(1, EDU_REG_IRQ_ACK);
              box.ended = k.now;
              return IRQ_HANDLED;
            },
            IRQF_ONESHOT,
            'edu',
            p,
            null,
          );
        }),
      ),
    );
    box.io?.writel(1, EDU_REG_IRQ_RAISE);
    await k.runFor(1000);
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect(box.ended).toBe(4_000_000);
    expect(k.now).toBeGreaterThanOrEqual(4_000_000);
    expect(irqTable(k).descs.get(pdev.intxIrq)?.actions).toEqual([]);
    expect(k.reports).toEqual([]);
  });
});
