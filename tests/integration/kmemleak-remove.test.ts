// kmemleak in driver code: an edu driver kmallocs a per-device command ring
// in probe() and keeps it in its driver data; its remove() forgets the
// kfree. After the driver is unbound (the core clears driver data) nothing
// refers to the ring: a kmemleak scan lists it, with the probe's allocation
// stack. The fixed remove() frees it and the scan is clean.
import {
  devGetDrvdata,
  deviceReleaseDriver,
  devSetDrvdata,
  GFP_KERNEL,
  type KBuf,
  Kernel,
  KernelError,
  kfree,
  kmalloc,
  kmemleakScan,
} from '@quiesce/core-devres';
import { EduDevice, type PciDev, type PciDriver, pciAddDevice, pciRegisterDriver } from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';

interface EduPriv {
  ring: KBuf;
}

function ringDriver(freeInRemove: boolean): PciDriver {
  return {
    name: 'edu_ring',
    owner: null,
    idTable: [{ vendor: 0x1234, device: 0x11e8 }],
    async probe(pdev: PciDev) {
      const ring = kmalloc(pdev.kernel, 200, GFP_KERNEL);
      if (ring === null) throw new KernelError('ENOMEM');
      ring.memset(0);
      devSetDrvdata(pdev, { ring } satisfies EduPriv);
    },
    async remove(pdev: PciDev) {
      const priv = devGetDrvdata<EduPriv | null>(pdev);
      if (freeInRemove && priv !== null) kfree(pdev.kernel, priv.ring);
    },
  };
}

async function scenario(freeInRemove: boolean) {
  const k = new Kernel({ seed: 7 });
  const pdev = await k.exec('insmod', async () => {
    const p = await pciAddDevice(k, new EduDevice());
    await pciRegisterDriver(k, ringDriver(freeInRemove));
    return p;
  });
  // While bound, the driver data refers to the ring: not a leak.
  const whileBound = kmemleakScan(k, { roots: [devGetDrvdata(pdev)] });
  await k.exec('rmmod', () => deviceReleaseDriver(pdev));
  const afterUnbind = kmemleakScan(k);
  return { k, whileBound, afterUnbind };
}

describe('kmemleak: remove() forgets to kfree what probe() kmalloc-ed', () => {
  it('after unbind the ring is one unreferenced object, with its size and the probe allocation stack', async () => {
    const { k, whileBound, afterUnbind } = await scenario(false);
    expect([whileBound, afterUnbind]).toEqual([0, 1]);
    const leak = k.reports.filter((r) => r.kind === 'memory-leak');
    expect(leak).toHaveLength(1);
    expect(leak[0]?.title).toBe('kmemleak: unreferenced object (size 200)');
    expect(leak[0]?.resource).toBe('kmalloc-256');
    expect(leak[0]?.detail).toMatch(/allocated by task insmod\/\d+ at 0 ms, never freed/);
    expect(leak[0]?.stacks.acquired).toMatch(/probe|kmalloc/);
    expect(k.reports.map((r) => r.kind)).toEqual(['memory-leak']);
  });

  it('the remove() that frees the ring leaves nothing for kmemleak', async () => {
    const { k, whileBound, afterUnbind } = await scenario(true);
    expect([whileBound, afterUnbind]).toEqual([0, 0]);
    expect(k.reports).toEqual([]);
  });
});
