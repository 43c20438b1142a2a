// Two KASAN report kinds in driver code (issue 14, fidelity leftovers):
// - slab-out-of-bounds: a misc driver keeps a table of 10 u32 counters in
//   kmalloc memory (40 bytes, served from kmalloc-64) and bounds-checks the
//   user's index with `>` instead of `>=`; index 10 reads bytes 40..43, inside
//   the slab slot but past the requested size, which KASAN tracks;
// - use-after-free by DMA: an edu driver starts a device-to-RAM transfer
//   (100 ms in the QEMU edu model) and its remove() frees the coherent buffer
//   before it waits for the device to go idle; the device then writes into
//   freed memory (pci_disable_device, which would stop bus mastering, comes
//   later).
// The fixed drivers (`>=`, and waiting before the free) are clean.
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
  type FileOperations,
  MISC_DYNAMIC_MINOR,
  type MiscDevice,
  miscDeregister,
  miscRegister,
  open,
} from '@quiesce/miscdev';
import {
  type DmaCoherent,
  dmaAllocCoherent,
  dmaFreeCoherent,
  dmaSetMaskAndCoherent,
  EDU_DMA_DIR_TO_RAM,
  EDU_DMA_RUN,
  EDU_DMA_START,
  EDU_REG_DMA_CMD,
  EDU_REG_DMA_CNT,
  EDU_REG_DMA_DST,
  EDU_REG_DMA_SRC,
  EduDevice,
  type IoMem,
  type PciDev,
  type PciDriver,
  pciAddDevice,
  pciDisableDevice,
  pciEnableDevice,
  pciIomap,
  pciIounmap,
  pciRegisterDriver,
  pciSetMaster,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';

const NCOUNTERS = 10;
const EINVAL = -22; // what the driver returns; the syscall layer turns it into KernelError EINVAL

/** A misc driver whose ioctl(idx) returns counter `idx` and bumps it. */
function counterDriver(offByOne: boolean): { drv: PciDriver } {
  const st: { table: KBuf | null; misc: MiscDevice | null } = { table: null, misc: null };
  const drv: PciDriver = {
    name: 'edu_counters',
    owner: null,
    idTable: [{ vendor: 0x1234, device: 0x11e8 }],
    async probe(pdev: PciDev) {
      const table = kzalloc(pdev.kernel, NCOUNTERS * 4, GFP_KERNEL);
      if (table === null) throw new KernelError('ENOMEM');
      st.table = table;
      const fops: FileOperations = {
        owner: null,
        async unlockedIoctl(_f, _cmd, arg) {
          const idx = Number(arg);
          if (offByOne ? idx > NCOUNTERS : idx >= NCOUNTERS) return EINVAL;
          const v = table.getU32(idx * 4);
          table.setU32(idx * 4, v + 1);
          return v;
        },
      };
      st.misc = { minor: MISC_DYNAMIC_MINOR, name: 'edu_counters', fops };
      await miscRegister(pdev.kernel, st.misc);
    },
    async remove(pdev: PciDev) {
      if (st.misc !== null) await miscDeregister(st.misc);
      kfree(pdev.kernel, st.table);
    },
  };
  return { drv };
}

async function countersScenario(offByOne: boolean) {
  const k = new Kernel({ seed: 3 });
  const { drv } = counterDriver(offByOne);
  const pdev = await k.exec('insmod', async () => {
    const p = await pciAddDevice(k, new EduDevice());
    await pciRegisterDriver(k, drv);
    return p;
  });
  const got = await k.exec('user', async () => {
    const f = await open(k, '/dev/edu_counters');
    const ioctl = (idx: number): Promise<number | string> =>
      f.ioctl(0, idx).catch((e: unknown) => (e instanceof KernelError ? e.code : String(e)));
    const out = [await ioctl(9), await ioctl(9), await ioctl(10), await ioctl(11)];
    await f.close();
    return out;
  });
  await k.exec('rmmod', () => deviceReleaseDriver(pdev));
  return { k, got };
}

describe('slab-out-of-bounds: an off-by-one index check on a kmalloc table', () => {
  it('index 10 of a 10-entry table is one slab-out-of-bounds report naming the cache, offset and size', async () => {
    const { k, got } = await countersScenario(true);
    // 9 reads 0 then 1; 10 reads the slack past the 40 requested bytes (kmalloc-64 slot, zeroed by kzalloc); 11 is refused.
    expect(got).toEqual([0, 1, 0, 'EINVAL']);
    const oob = k.reports.filter((r) => r.kind === 'slab-out-of-bounds');
    expect(oob).toHaveLength(1);
    const r = oob[0];
    expect(r?.title).toBe('BUG: KASAN: slab-out-of-bounds in getUint32');
    expect(r?.resource).toBe('kmalloc-64');
    expect(r?.detail).toContain('Read of size 4 at offset 0x28 of a 40-byte region (cache kmalloc-64, 64-byte slot)');
    expect(r?.detail).toMatch(/allocated by task insmod\/\d+/);
    expect(r?.context.name).toBe('user');
    expect(r?.stacks.access).toMatch(/unlockedIoctl/);
    expect(r?.stacks.acquired).toMatch(/kzalloc|kmalloc|probe/);
    expect(k.reports.map((x) => x.kind)).toEqual(['slab-out-of-bounds']);
  });

  it('the fixed check (>=) refuses index 10 and nothing is reported', async () => {
    const { k, got } = await countersScenario(false);
    expect(got).toEqual([0, 1, 'EINVAL', 'EINVAL']);
    expect(k.reports).toEqual([]);
  });
});

/** An edu driver that copies the device's DMA buffer into RAM on ioctl. */
function dmaDriver(freeFirst: boolean): { drv: PciDriver; st: { buf: DmaCoherent | null } } {
  const st: { buf: DmaCoherent | null; io: IoMem | null; misc: MiscDevice | null } = {
    buf: null,
    io: null,
    misc: null,
  };
  const drv: PciDriver = {
    name: 'edu_dma_copy',
    owner: null,
    idTable: [{ vendor: 0x1234, device: 0x11e8 }],
    async probe(pdev: PciDev) {
      pciEnableDevice(pdev);
      const io = pciIomap(pdev, 0, 0);
      if (io === null) throw new KernelError('ENOMEM');
      st.io = io;
      pciSetMaster(pdev);
      if (dmaSetMaskAndCoherent(pdev, 2 ** 28 - 1) !== 0) throw new KernelError('EIO');
      const buf = dmaAllocCoherent(pdev, 4096);
      st.buf = buf;
      const fops: FileOperations = {
        owner: null,
        async unlockedIoctl() {
          // Start edu -> RAM: the device writes 64 bytes at buf.dmaHandle when the transfer ends.
          io.writeq(BigInt(EDU_DMA_START), EDU_REG_DMA_SRC);
          io.writeq(BigInt(buf.dmaHandle), EDU_REG_DMA_DST);
          io.writeq(64n, EDU_REG_DMA_CNT);
          io.writeq(BigInt(EDU_DMA_RUN | EDU_DMA_DIR_TO_RAM), EDU_REG_DMA_CMD);
          return 0;
        },
      };
      st.misc = { minor: MISC_DYNAMIC_MINOR, name: 'edu_dma', fops };
      await miscRegister(pdev.kernel, st.misc);
    },
    async remove(pdev: PciDev) {
      if (st.misc !== null) await miscDeregister(st.misc);
      const io = st.io as IoMem;
      const quiesce = async (): Promise<void> => {
        while ((io.readl(EDU_REG_DMA_CMD) & EDU_DMA_RUN) !== 0) await msleep(pdev.kernel, 10);
      };
      // The bug is the order: the buffer is freed before the device is known to be idle.
      if (!freeFirst) await quiesce();
      if (st.buf !== null) dmaFreeCoherent(pdev, st.buf);
      if (freeFirst) await quiesce();
      pciIounmap(pdev, io);
      pciDisableDevice(pdev);
    },
  };
  return { drv, st };
}

async function dmaScenario(freeFirst: boolean) {
  const k = new Kernel({ seed: 5 });
  const { drv } = dmaDriver(freeFirst);
  const pdev = await k.exec('insmod', async () => {
    const p = await pciAddDevice(k, new EduDevice());
    await pciRegisterDriver(k, drv);
    return p;
  });
  await k.exec('user', async () => {
    const f = await open(k, '/dev/edu_dma');
    await f.ioctl(0);
    await f.close();
  });
  await k.exec('rmmod', () => deviceReleaseDriver(pdev));
  await k.run(); // the device's transfer ends 100 ms after it started
  return k;
}

describe('use-after-free by DMA: remove() frees the coherent buffer under a running transfer', () => {
  it('the device write into the freed buffer is use-after-free with allocation and free stacks', async () => {
    const k = await dmaScenario(true);
    const uaf = k.reports.filter((r) => r.kind === 'use-after-free');
    expect(uaf).toHaveLength(1);
    const r = uaf[0];
    expect(r?.title).toMatch(/^BUG: KASAN: use-after-free in DMA write by edu/);
    expect(r?.resource).toBe('dma-coherent');
    expect(r?.detail).toMatch(/DMA write of 64 bytes at 0x[0-9a-f]+, offset 0x0 of a freed 4096-byte coherent buffer/);
    expect(r?.detail).toMatch(/allocated by task insmod\/\d+, freed by task rmmod\/\d+/);
    expect(r?.context.kind).toBe('hardirq'); // the device model's timer: no driver code on the stack
    expect(r?.stacks.acquired).toMatch(/dmaAllocCoherent|probe/);
    expect(r?.stacks.released).toMatch(/dmaFreeCoherent|remove/);
    expect(k.reports.map((x) => x.kind)).toEqual(['use-after-free']);
  });

  it('waiting for the transfer before dma_free_coherent is clean', async () => {
    const k = await dmaScenario(false);
    expect(k.reports).toEqual([]);
  });
});
