// Issue 14.4/14.5 in driver code, two more teardown mistakes:
// - a driver module calls a helper module's function through symbol_get and
//   keeps the pointer after symbol_put; once the helper is unloaded the call
//   is an execute-after-free;
// - a driver frees its coherent DMA buffer in remove() while an open file can
//   still read it: the CPU access is a use-after-free.
import { deviceReleaseDriver, Kernel, KernelError } from '@quiesce/core-devres';
import {
  type FileOperations,
  MISC_DYNAMIC_MINOR,
  type MiscDevice,
  miscDeregister,
  miscRegister,
  open,
} from '@quiesce/miscdev';
import { defineModule, deleteModule, loadModule, O_NONBLOCK, symbolGet, symbolPut } from '@quiesce/module-loader';
import {
  type DmaCoherent,
  dmaAllocCoherent,
  dmaFreeCoherent,
  EduDevice,
  type PciDev,
  type PciDriver,
  pciAddDevice,
  pciRegisterDriver,
  pciSetMaster,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';

describe('symbol_get pointer kept past symbol_put', () => {
  it('calling it after the helper module is unloaded: execute-after-free; while held, rmmod refuses', async () => {
    const k = new Kernel();
    function edu_crc32(x: number): number {
      return (x * 2654435761) >>> 0;
    }
    const calls: unknown[] = [];
    await k.exec('insmod', () =>
      loadModule(
        k,
        defineModule({ name: 'edu_helper', init: () => undefined, exit: () => undefined, exports: { edu_crc32 } }),
      ),
    );
    const crc = await k.exec('driver', async () => {
      const f = symbolGet<(x: number) => number>(k, 'edu_crc32');
      if (f === null) throw new KernelError('ENOENT');
      calls.push(f(1));
      const busy = await deleteModule(k, 'edu_helper', O_NONBLOCK).catch((e: KernelError) => e.code);
      calls.push(busy);
      symbolPut(k, 'edu_crc32'); // the bug: the pointer is kept
      return f;
    });
    await k.exec('rmmod', () => deleteModule(k, 'edu_helper', O_NONBLOCK));
    await k.exec('driver', () => {
      calls.push(crc(2));
    });
    expect(calls).toEqual([2654435761, 'EWOULDBLOCK', undefined]);
    const eaf = k.reports.filter((r) => r.kind === 'execute-after-free');
    expect(eaf).toHaveLength(1);
    expect(eaf[0]?.resource).toBe('edu_crc32 [edu_helper]');
    expect(eaf[0]?.context.name).toBe('driver');
  });
});

describe('coherent DMA buffer freed while a file can still read it', () => {
  it('the read after remove() is a use-after-free with allocation, free and access stacks', async () => {
    const k = new Kernel();
    const box: { dma: DmaCoherent | null; misc: MiscDevice | null } = { dma: null, misc: null };
    const drv: PciDriver = {
      name: 'edu_dma',
      owner: null,
      idTable: [{ vendor: 0x1234, device: 0x11e8 }],
      async probe(pdev: PciDev) {
        pciSetMaster(pdev);
        const dma = dmaAllocCoherent(pdev, 4096);
        box.dma = dma;
        dma.cpu.setU32(0, 0xcafe);
        const fops: FileOperations = {
          owner: null,
          async unlockedIoctl() {
            return dma.cpu.getU32(0); // the last DMA result
          },
        };
        box.misc = { minor: MISC_DYNAMIC_MINOR, name: 'edu', fops };
        await miscRegister(pdev.kernel, box.misc);
      },
      async remove(pdev: PciDev) {
        if (box.misc !== null) await miscDeregister(box.misc);
        if (box.dma !== null) dmaFreeCoherent(pdev, box.dma); // open files still reach it
      },
    };
    const pdev = await k.exec('insmod', async () => {
      const p = await pciAddDevice(k, new EduDevice());
      await pciRegisterDriver(k, drv);
      return p;
    });
    const got = await k.exec('user', async () => {
      const f = await open(k, '/dev/edu');
      const before = await f.ioctl(0);
      await k.join(k.spawn('unbind', () => deviceReleaseDriver(pdev)));
      const after = await f.ioctl(0);
      await f.close();
      return [before, after];
    });
    expect(got[0]).toBe(0xcafe);
    const uaf = k.reports.filter((r) => r.kind === 'use-after-free');
    expect(uaf).toHaveLength(1);
    expect(uaf[0]?.resource).toBe('dma-coherent');
    expect(uaf[0]?.detail).toMatch(/freed by task unbind\/\d+/);
    expect(uaf[0]?.stacks.acquired && uaf[0]?.stacks.released && uaf[0]?.stacks.access).toBeTruthy();
  });
});
