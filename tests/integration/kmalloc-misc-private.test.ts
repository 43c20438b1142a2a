// Issue 14.4 in driver code: a misc driver keeps its per-device state in
// devm_kzalloc memory. An open file outlives unbind (misc_deregister does not
// revoke open files in the kernel), so its next ioctl touches memory devres
// freed at unbind: KASAN's use-after-free, with the allocation (probe), free
// (unbind) and access (ioctl) stacks. The same driver with the fenced misc
// device (devmMiscRegister) never reaches the freed memory.
import {
  deviceReleaseDriver,
  devmKzalloc,
  GFP_KERNEL,
  isKernelError,
  type KBuf,
  Kernel,
  KernelError,
} from '@quiesce/core-devres';
import {
  devmMiscRegister,
  type FileOperations,
  MISC_DYNAMIC_MINOR,
  type MiscDevice,
  miscDeregister,
  miscRegister,
  open,
} from '@quiesce/miscdev';
import { EduDevice, type PciDev, type PciDriver, pciAddDevice, pciRegisterDriver } from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';

/** struct edu_priv { u32 opens; u32 ioctls; } in 8 bytes of devm memory. */
const OPENS = 0;
const IOCTLS = 4;

function eduMiscDriver(fenced: boolean): { drv: PciDriver; box: { priv: KBuf | null; misc: MiscDevice | null } } {
  const box: { priv: KBuf | null; misc: MiscDevice | null } = { priv: null, misc: null };
  const drv: PciDriver = {
    name: 'edu_misc',
    owner: null,
    idTable: [{ vendor: 0x1234, device: 0x11e8 }],
    async probe(pdev: PciDev) {
      const priv = devmKzalloc(pdev, 8, GFP_KERNEL);
      if (priv === null) throw new KernelError('ENOMEM', 'edu_misc: no memory');
      box.priv = priv;
      const fops: FileOperations = {
        owner: null,
        async open() {
          priv.setU32(OPENS, priv.getU32(OPENS) + 1);
          return 0;
        },
        async unlockedIoctl() {
          const n = priv.getU32(IOCTLS) + 1; // the driver's state, reached through the file
          priv.setU32(IOCTLS, n);
          return n;
        },
      };
      const misc: MiscDevice = { minor: MISC_DYNAMIC_MINOR, name: 'edu', fops };
      box.misc = misc;
      if (fenced) await devmMiscRegister(pdev, misc);
      else await miscRegister(pdev.kernel, misc);
    },
    async remove() {
      if (!fenced && box.misc !== null) await miscDeregister(box.misc);
    },
  };
  return { drv, box };
}

async function scenario(fenced: boolean) {
  const k = new Kernel({ seed: 1 });
  const { drv, box } = eduMiscDriver(fenced);
  const pdev = await k.exec('insmod', async () => {
    const p = await pciAddDevice(k, new EduDevice());
    await pciRegisterDriver(k, drv);
    return p;
  });
  const results = await k.exec('user', async () => {
    const f = await open(k, '/dev/edu');
    const first = await f.ioctl(1);
    const unbind = k.spawn('unbind', () => deviceReleaseDriver(pdev));
    await k.join(unbind);
    let second: number | string;
    try {
      second = await f.ioctl(1);
    } catch (e) {
      second = isKernelError(e) ? e.code : String(e);
    }
    await f.close();
    return { first, second };
  });
  return { k, results, box };
}

describe('devm_kzalloc misc private outlived by an open file', () => {
  it('kernel-style misc: the ioctl after unbind is a use-after-free with allocation, free and access stacks', async () => {
    const { k, results, box } = await scenario(false);
    expect(results.first).toBe(1);
    const uaf = k.reports.filter((r) => r.kind === 'use-after-free');
    expect(uaf).toHaveLength(1);
    const r = uaf[0];
    expect(r?.title).toBe('BUG: KASAN: slab-use-after-free in getU32');
    expect(r?.resource).toBe('devm kmalloc-8');
    expect(r?.context.name).toBe('user');
    expect(r?.detail).toMatch(/allocated by task insmod\/\d+, freed by task unbind\/\d+/);
    expect(r?.stacks.acquired).toMatch(/devmKzalloc|devm_kmalloc|probe/);
    expect(r?.stacks.released).toMatch(/devres|release/i);
    expect(r?.stacks.access).toMatch(/unlockedIoctl/);
    // KASAN lets the access through: it read the poison (0x6b6b6b6b) and stored one more.
    expect(results.second).toBe(0x6b6b6b6b + 1);
    expect(box.priv?.isFreed).toBe(true);
  });

  it('fenced misc (devmMiscRegister): the stale ioctl fails -ENODEV and never touches the freed memory', async () => {
    const { k, results } = await scenario(true);
    expect(results.first).toBe(1);
    expect(results.second).toBe('ENODEV');
    expect(k.reports).toEqual([]);
  });
});
