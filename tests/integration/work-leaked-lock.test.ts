// A work function's error path that forgets spin_unlock, in driver code: the
// edu driver's status work takes its stats lock, and when the device reports
// an error bit it returns early. process_one_work() then prints "BUG:
// workqueue leaked atomic, lock or RCU", and because the leak stays (as in
// the kernel) the same kworker's next sleeping call is sleep-in-atomic and the
// next work is printed as leaking too. The fixed work unlocks on every path
// and nothing is reported.
import { Kernel, Mutex, SpinLock } from '@quiesce/core-devres';
import {
  EDU_REG_STATUS,
  EduDevice,
  type IoMem,
  type PciDev,
  type PciDriver,
  pciAddDevice,
  pciIomap,
  pciRegisterDriver,
} from '@quiesce/pci-emu';
import { allocWork, flushWork, initWork, queueWork, systemWq, type WorkStruct } from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';

function statusDriver(unlockOnError: boolean): {
  drv: PciDriver;
  st: { work: WorkStruct | null; cfg: WorkStruct | null };
} {
  const st: { work: WorkStruct | null; cfg: WorkStruct | null } = { work: null, cfg: null };
  const drv: PciDriver = {
    name: 'edu_status',
    owner: null,
    idTable: [{ vendor: 0x1234, device: 0x11e8 }],
    async probe(pdev: PciDev) {
      const io = pciIomap(pdev, 0, 0) as IoMem;
      const stats = new SpinLock(pdev.kernel, 'edu_stats_lock');
      const cfg = new Mutex(pdev.kernel, 'edu_cfg_mutex');
      const counts = { idle: 0, busy: 0 };
      st.work = initWork(allocWork(pdev.kernel), async function edu_status_work() {
        stats.lock();
        // The status register reads 0 when the device is idle: the early-return path.
        if ((io.readl(EDU_REG_STATUS) & 0x1) === 0) {
          counts.idle++;
          if (unlockOnError) stats.unlock();
          return;
        }
        counts.busy++;
        stats.unlock();
      });
      st.cfg = initWork(allocWork(pdev.kernel), async function edu_cfg_work() {
        await cfg.lock();
        cfg.unlock();
      });
    },
  };
  return { drv, st };
}

async function scenario(unlockOnError: boolean) {
  const k = new Kernel({ seed: 11, cpus: 1 });
  const { drv, st } = statusDriver(unlockOnError);
  await k.exec('insmod', async () => {
    await pciAddDevice(k, new EduDevice());
    await pciRegisterDriver(k, drv);
  });
  await k.exec('user', async () => {
    queueWork(systemWq(k), st.work as WorkStruct);
    await flushWork(st.work as WorkStruct);
    queueWork(systemWq(k), st.cfg as WorkStruct); // the same CPU's kworker runs it next
    await flushWork(st.cfg as WorkStruct);
  });
  return k;
}

describe('a work function returns with its spinlock held', () => {
  it('process_one_work reports the leak with the worker and function; the next work on that kworker is sleep-in-atomic', async () => {
    const k = await scenario(false);
    const leak = k.reports.filter((r) => r.title.startsWith('BUG: workqueue leaked atomic, lock or RCU'));
    // As in the kernel (it tests in_atomic(), not a change): the inherited leak is printed again after the next work.
    expect(leak.map((r) => r.detail)).toEqual([
      'preempt=0x00000001 lock=0->0 RCU=0->0 workfn=edu_status_work',
      'preempt=0x00000001 lock=0->0 RCU=0->0 workfn=edu_cfg_work',
    ]);
    expect(leak[0]?.context.name).toMatch(/^kworker\/0:\d+$/);
    const sia = k.reports.filter((r) => r.kind === 'sleep-in-atomic');
    expect(sia.map((r) => r.resource)).toEqual(['mutex_lock edu_cfg_mutex']);
  });

  it('unlocking on the error path too: nothing is reported', async () => {
    const k = await scenario(true);
    expect(k.reports).toEqual([]);
  });
});
