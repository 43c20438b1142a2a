// Issue 14.5 in driver code: an edu driver's ioctl computes a factorial and
// waits for the device's interrupt with wait_event_timeout. The kernel's
// return values decide the ioctl's answer: jiffies left (≥ 1) when the IRQ
// came, 0 on timeout (-ETIMEDOUT), here when the driver forgets to enable the
// factorial interrupt.
import {
  deviceReleaseDriver,
  isKernelError,
  Kernel,
  KernelError,
  msecsToJiffies,
  TICK_NSEC,
  WaitQueue,
  waitEventTimeout,
} from '@quiesce/core-devres';
import { devmMiscRegister, type FileOperations, MISC_DYNAMIC_MINOR, open } from '@quiesce/miscdev';
import {
  devmRequestIrq,
  EDU_REG_FACT,
  EDU_REG_IRQ_ACK,
  EDU_REG_STATUS,
  EDU_STATUS_IRQFACT,
  EduDevice,
  IRQ_HANDLED,
  IRQ_NONE,
  type PciDev,
  type PciDriver,
  pciAddDevice,
  pcimIomap,
  pciRegisterDriver,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';

const EDU_REG_IRQ_STATUS = 0x24;
const EDU_IOC_FACT = 1;

function driver(enableIrq: boolean, waits: number[]): PciDriver {
  return {
    name: 'edu_fact',
    owner: null,
    idTable: [{ vendor: 0x1234, device: 0x11e8 }],
    async probe(pdev: PciDev) {
      const k = pdev.kernel;
      const io = pcimIomap(pdev, 0, 0);
      if (io === null) throw new KernelError('ENOMEM');
      const wq = new WaitQueue(k, 'edu_fact_wq');
      let done = false;
      await devmRequestIrq(
        pdev,
        pdev.intxIrq,
        () => {
          const st = io.readl(EDU_REG_IRQ_STATUS);
          if (st === 0) return IRQ_NONE;
          io.writel(st, EDU_REG_IRQ_ACK);
          done = true;
          wq.wakeUp();
          return IRQ_HANDLED;
        },
        0,
        'edu_fact',
        pdev,
        null,
      );
      const fops: FileOperations = {
        owner: null,
        async unlockedIoctl(_f, cmd, arg) {
          if (cmd !== EDU_IOC_FACT || typeof arg !== 'number') return -25; // -ENOTTY
          done = false;
          io.writel(enableIrq ? EDU_STATUS_IRQFACT : 0, EDU_REG_STATUS);
          io.writel(arg, EDU_REG_FACT);
          const left = await waitEventTimeout(k, wq, () => done, msecsToJiffies(100));
          waits.push(left);
          if (left === 0) return -110; // -ETIMEDOUT
          return io.readl(EDU_REG_FACT);
        },
      };
      await devmMiscRegister(pdev, { minor: MISC_DYNAMIC_MINOR, name: 'edu', fops });
    },
  };
}

async function ioctlFact(enableIrq: boolean, n: number) {
  const k = new Kernel({ seed: 2 });
  const waits: number[] = [];
  const pdev = await k.exec('insmod', async () => {
    const p = await pciAddDevice(k, new EduDevice());
    await pciRegisterDriver(k, driver(enableIrq, waits));
    return p;
  });
  const t0 = k.now;
  const out = await k.exec('user', async () => {
    const f = await open(k, '/dev/edu');
    try {
      return await f.ioctl(EDU_IOC_FACT, n);
    } catch (e) {
      return isKernelError(e) ? e.code : String(e);
    } finally {
      await f.close();
    }
  });
  const elapsed = k.now - t0;
  await k.exec('rmmod', () => deviceReleaseDriver(pdev));
  return { k, out, waits, elapsed };
}

describe('an edu driver waiting for the factorial with wait_event_timeout', () => {
  it('the interrupt arrives within the same jiffy: 25 jiffies left, the ioctl returns 10! = 3628800', async () => {
    const { k, out, waits } = await ioctlFact(true, 10);
    expect(out).toBe(3_628_800);
    expect(waits).toEqual([msecsToJiffies(100)]); // 10 µs of a 100 ms (25-jiffy) timeout: no tick passed
    expect(k.reports).toEqual([]);
  });

  it('the factorial interrupt not enabled: the wait times out (0) after 100 ms and the ioctl fails -ETIMEDOUT', async () => {
    const { k, out, waits, elapsed } = await ioctlFact(false, 5);
    expect(out).toBe('ETIMEDOUT');
    expect(waits).toEqual([0]);
    expect(elapsed).toBeGreaterThanOrEqual(24 * TICK_NSEC);
    expect(elapsed).toBeLessThanOrEqual(25 * TICK_NSEC);
    expect(k.reports).toEqual([]);
  });
});
