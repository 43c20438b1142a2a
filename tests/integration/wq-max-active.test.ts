// Issue 14.5 in driver code: an edu driver runs its factorial requests on its
// own unbound workqueue, created with max_active 1 and widened with
// workqueue_set_max_active once the device is known to cope. Requests queued
// before the change start as soon as it is made, oldest first; unbind drains
// the queue (devm) before the BAR goes away.
import { deviceReleaseDriver, Kernel, KernelError, msleep } from '@quiesce/core-devres';
import {
  EDU_REG_FACT,
  EduDevice,
  type IoMem,
  type PciDev,
  type PciDriver,
  pciAddDevice,
  pcimIomap,
  pciRegisterDriver,
} from '@quiesce/pci-emu';
import {
  allocWork,
  devmAllocWorkqueue,
  initWork,
  queueWork,
  type Workqueue,
  WQ_UNBOUND,
  workqueueSetMaxActive,
} from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';

const MS = 1_000_000;

describe('a driver widening its workqueue with workqueue_set_max_active', () => {
  it('queued requests start FIFO when max_active grows; unbind drains them before the BAR is unmapped', async () => {
    const k = new Kernel({ seed: 4 });
    const log: string[] = [];
    const box: { wq: Workqueue | null; io: IoMem | null } = { wq: null, io: null };
    const drv: PciDriver = {
      name: 'edu_wq',
      owner: null,
      idTable: [{ vendor: 0x1234, device: 0x11e8 }],
      async probe(pdev: PciDev) {
        const io = pcimIomap(pdev, 0, 0);
        const wq = devmAllocWorkqueue(pdev, 'edu_wq', WQ_UNBOUND, 1);
        if (io === null || wq === null) throw new KernelError('ENOMEM');
        box.io = io;
        box.wq = wq;
      },
    };
    const pdev = await k.exec('insmod', async () => {
      const p = await pciAddDevice(k, new EduDevice());
      await pciRegisterDriver(k, drv);
      return p;
    });
    const wq = box.wq as Workqueue;
    const io = box.io as IoMem;
    for (let i = 0; i < 4; i++) {
      queueWork(
        wq,
        initWork(allocWork(k), async function eduReq() {
          log.push(`req${i}@${k.now / MS}`);
          io.writel(i + 3, EDU_REG_FACT); // touches the BAR: must not run after unbind
          await msleep(k, 10);
        }),
      );
    }
    k.spawn('tune', async () => {
      await msleep(k, 5);
      workqueueSetMaxActive(wq, 3);
    });
    await k.runFor(2 * MS);
    await k.exec('rmmod', () => deviceReleaseDriver(pdev));
    expect(log).toEqual(['req0@0', 'req1@5', 'req2@5', 'req3@10']);
    expect(k.reports).toEqual([]);
  });
});
