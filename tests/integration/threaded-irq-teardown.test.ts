// Issue 14.5 in driver code: an edu driver whose interrupt work is done in a
// threaded handler (the hardirq half only checks the status; the thread reads
// the factorial, sleeps while it "processes" it, then acknowledges). remove()
// calls free_irq while the thread sleeps: free_irq must wait for the thread
// function, so the driver's state freed after it is never touched. The buggy
// order (kfree the state, then free_irq) is a use-after-free from the thread.
import {
  deviceReleaseDriver,
  GFP_KERNEL,
  type KBuf,
  Kernel,
  KernelError,
  kfree,
  kzalloc,
  msleep,
} from '@quiesce/core-devres';
import {
  EDU_REG_FACT,
  EDU_REG_IRQ_ACK,
  EDU_REG_STATUS,
  EDU_STATUS_IRQFACT,
  EduDevice,
  freeIrq,
  type IoMem,
  IRQ_HANDLED,
  IRQ_NONE,
  IRQ_WAKE_THREAD,
  IRQF_ONESHOT,
  type PciDev,
  type PciDriver,
  pciAddDevice,
  pcimIomap,
  pciRegisterDriver,
  requestThreadedIrq,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';

const EDU_REG_IRQ_STATUS = 0x24;
/** struct { u32 result; u32 irqs; } */
const RESULT = 0;
const IRQS = 4;

interface Box {
  io: IoMem | null;
  priv: KBuf | null;
  events: string[];
}

function driver(order: 'free_irq-first' | 'kfree-first', box: Box): PciDriver {
  return {
    name: 'edu_thr',
    owner: null,
    idTable: [{ vendor: 0x1234, device: 0x11e8 }],
    async probe(pdev: PciDev) {
      const k = pdev.kernel;
      const io = pcimIomap(pdev, 0, 0);
      const priv = kzalloc(k, 8, GFP_KERNEL);
      if (io === null || priv === null) throw new KernelError('ENOMEM');
      box.io = io;
      box.priv = priv;
      await requestThreadedIrq(
        k,
        pdev.intxIrq,
        function eduHardirq() {
          return io.readl(EDU_REG_IRQ_STATUS) === 0 ? IRQ_NONE : IRQ_WAKE_THREAD;
        },
        async function eduThread() {
          box.events.push(`thread start@${k.now}`);
          const fact = io.readl(EDU_REG_FACT);
          await msleep(k, 5); // slow processing, in process context
          priv.setU32(RESULT, fact);
          priv.setU32(IRQS, priv.getU32(IRQS) + 1);
          io.writel(io.readl(EDU_REG_IRQ_STATUS), EDU_REG_IRQ_ACK);
          box.events.push(`thread end@${k.now}`);
          return IRQ_HANDLED;
        },
        IRQF_ONESHOT,
        'edu_thr',
        pdev,
        null,
      );
    },
    async remove(pdev: PciDev) {
      const k = pdev.kernel;
      if (order === 'kfree-first') kfree(k, box.priv);
      await freeIrq(k, pdev.intxIrq, pdev);
      box.events.push(`free_irq returned@${k.now}`);
      if (order === 'free_irq-first') kfree(k, box.priv);
    },
  };
}

async function run(order: 'free_irq-first' | 'kfree-first') {
  const k = new Kernel({ seed: 3 });
  const box: Box = { io: null, priv: null, events: [] };
  const pdev = await k.exec('insmod', async () => {
    const p = await pciAddDevice(k, new EduDevice());
    await pciRegisterDriver(k, driver(order, box));
    return p;
  });
  const io = box.io as IoMem;
  const priv = box.priv as KBuf;
  io.writel(EDU_STATUS_IRQFACT, EDU_REG_STATUS);
  io.writel(6, EDU_REG_FACT); // 6! = 720, an interrupt 10 µs later
  await k.runFor(1_000_000); // the thread is now asleep inside its function
  const before = priv.isFreed ? -1 : priv.getU32(RESULT);
  await k.exec('rmmod', () => deviceReleaseDriver(pdev));
  return { k, box, before, priv };
}

describe('threaded IRQ torn down with free_irq while the thread sleeps', () => {
  it('free_irq waits for the thread function; the state freed after it is never touched', async () => {
    const { k, box, before } = await run('free_irq-first');
    expect(before).toBe(0); // the thread had not stored the result yet
    expect(box.events).toEqual(['thread start@10000', 'thread end@5010000', 'free_irq returned@5010000']);
    expect(k.reports).toEqual([]);
  });

  it('kfree before free_irq: the sleeping thread wakes into freed memory (use-after-free)', async () => {
    const { k, box } = await run('kfree-first');
    expect(box.events).toEqual(['thread start@10000', 'thread end@5010000', 'free_irq returned@5010000']);
    const uaf = k.reports.filter((r) => r.kind === 'use-after-free');
    expect(uaf).toHaveLength(1);
    expect(uaf[0]?.title).toBe('BUG: KASAN: slab-use-after-free in setU32');
    expect(uaf[0]?.context.name).toMatch(/^irq\/\d+-edu_thr$/);
    expect(uaf[0]?.detail).toMatch(/freed by task rmmod\/\d+/);
    expect(uaf[0]?.stacks.access).toMatch(/eduThread/);
  });
});
