// The canary of the validation tests (issue 21): after a bad call, the world
// must still bind/unbind a device, queue and run a work, arm and fire a timer.
import { type Kernel, KernelError, msleep } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  HRTIMER_MODE_REL,
  HRTIMER_NORESTART,
  HrTimer,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import {
  EduDevice,
  type PciDriver,
  pciAddDevice,
  pciRegisterDriver,
  pciRemoveDevice,
  pciUnregisterDriver,
} from '@quiesce/pci-emu';
import { allocWork, allocWorkqueue, destroyWorkqueue, flushWork, initWork, queueWork } from '@quiesce/workqueue';

let serial = 0;

/**
 * Binds and unbinds a fresh edu device with a fresh driver, queues and runs a
 * work, arms a 1 ms timer and sees it fire. Resolves to the list of what did
 * not work (empty when the world is healthy); never hangs (runs in k.exec).
 */
export async function canary(k: Kernel): Promise<string[]> {
  const id = ++serial;
  const broken: string[] = [];
  await k.exec(`canary${id}`, async () => {
    let probed = 0;
    let removed = 0;
    // The device first, then a driver that accepts only it: other edu devices left by the test get -ENODEV.
    const pdev = await pciAddDevice(k, new EduDevice());
    const drv: PciDriver = {
      name: `canary-${id}`,
      owner: null,
      idTable: [{ vendor: 0x1234, device: 0x11e8 }],
      probe: async (dev) => {
        if (dev !== pdev) throw new KernelError('ENODEV', 'not the canary device');
        probed++;
      },
      remove: async () => void removed++,
    };
    await pciRegisterDriver(k, drv);
    if (probed !== 1 || pdev.driver === null) broken.push('bind');
    await pciRemoveDevice(pdev);
    if (removed !== 1 || pdev.driver !== null) broken.push('unbind');
    await pciUnregisterDriver(k, drv);

    const wq = allocWorkqueue(k, `canary_wq${id}`);
    if (wq === null) broken.push('alloc_workqueue');
    else {
      let ran = 0;
      const w = initWork(allocWork(k), async () => void ran++);
      queueWork(wq, w);
      await flushWork(w);
      if (ran !== 1) broken.push('work');
      await destroyWorkqueue(wq);
    }

    let fired = 0;
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        fired++;
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HRTIMER_MODE_REL,
      null,
    );
    hrtimerStart(t, 1_000_000, HRTIMER_MODE_REL);
    await msleep(k, 2);
    if (fired !== 1) broken.push('timer');
  });
  if (!Number.isFinite(k.now)) broken.push(`clock ${k.now}`);
  return broken;
}
