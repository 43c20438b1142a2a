import { Kernel, Mutex, SpinLock } from '@quiesce/core-devres';
import {
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_RAISE,
  freeIrq,
  type IoMem,
  IRQ_HANDLED,
  IRQ_WAKE_THREAD,
  pciIomap,
  requestIrq,
  requestThreadedIrq,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { inTask, plugEdu } from './helpers.js';

describe('free_irq under lockdep', () => {
  // free_irq sleeps, so the lock a driver holds around it is a mutex, and the
  // code that takes it too is the threaded handler.
  it('free_irq under a mutex the threaded handler takes is a possible-circular-locking report', async () => {
    const k = new Kernel({ cpus: 2, lockdep: true });
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    const cfg = new Mutex(k, 'edu_cfg');
    let threaded = 0;
    const quick = () => {
      io.writel(0xffff_ffff, EDU_REG_IRQ_ACK);
      return IRQ_WAKE_THREAD;
    };
    const slow = async () => {
      await cfg.lock();
      threaded++;
      cfg.unlock();
      return IRQ_HANDLED;
    };
    await inTask(k, () => requestThreadedIrq(k, pdev.intxIrq, quick, slow, 0, 'edu', null, null));
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(threaded).toBe(1);
    expect(k.reports).toEqual([]);
    await inTask(k, async () => {
      await cfg.lock();
      await freeIrq(k, pdev.intxIrq, null); // waits for a thread that may be waiting for edu_cfg
      cfg.unlock();
    });
    const ld = k.reports.filter((r) => r.kind === 'possible-circular-locking');
    expect(ld.map((r) => r.resource)).toEqual(['edu_cfg -> irq edu']);
    expect(ld[0]?.detail).toMatch(/is trying to acquire lock:\n \(irq edu\) at: free_irq/);
  });

  it('free_irq after the lock is dropped is clean', async () => {
    const k = new Kernel({ cpus: 2, lockdep: true });
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    const lock = new SpinLock(k, 'edu_irq_lock');
    const handler = () => {
      lock.lock();
      io.writel(0xffff_ffff, EDU_REG_IRQ_ACK);
      lock.unlock();
      return IRQ_HANDLED;
    };
    await inTask(k, () => requestIrq(k, pdev.intxIrq, handler, 0, 'edu', null, null));
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    await inTask(k, async () => {
      lock.lock();
      lock.unlock();
      await freeIrq(k, pdev.intxIrq, null);
    });
    expect(k.reports).toEqual([]);
  });
});
