import { Kernel, kernelMemoryCheck, releaseKernelBuffers } from '@quiesce/core-devres';
import {
  dmaAllocCoherent,
  dmaFreeCoherent,
  EDU_BAR0_SIZE,
  EDU_FACT_NS,
  EDU_REG_FACT,
  EDU_REG_ID,
  EDU_REG_LIVENESS,
  EduDevice,
  type IoMem,
  type PciDeviceModel,
  pciAddDevice,
  pciIomap,
  pciSurpriseRemove,
  systemRam,
} from '@quiesce/pci-emu';
import { afterEach, describe, expect, it } from 'vitest';
import { inTask, plugEdu } from './helpers.js';

/** edu's ID register: 0xRRrr00ed, version 1.0 (QEMU hw/misc/edu.c). */
const EDU_ID = 0x010000ed;

afterEach(() => kernelMemoryCheck(false));

async function eduIo(k: Kernel) {
  const { pdev, edu } = await plugEdu(k);
  return { pdev, edu, io: pciIomap(pdev, 0, 0) as IoMem };
}

/** Every byte of edu's BAR0 past the register file (256 bytes) reads all ones. */
function onesPastRegisters(buf: ArrayBuffer): boolean {
  return new Uint8Array(buf, 0x100).every((b) => b === 0xff);
}

describe('raw DataView stores on an IoMem reach the device model', () => {
  it('setUint32 of 5 into the factorial register computes 5! as writel does', async () => {
    const k = new Kernel();
    const { io } = await eduIo(k);
    io.setUint32(EDU_REG_FACT, 5, true);
    await k.runFor(2 * EDU_FACT_NS);
    expect(io.readl(EDU_REG_FACT)).toBe(120);
  });

  it('a raw store at an offset edu does not decode reads back all ones, as a writel there does', async () => {
    const k = new Kernel();
    const { io } = await eduIo(k);
    io.setUint32(0x1000, 0x1234_5678, true);
    io.setUint8(0x2001, 0x42);
    io.writel(0x1111_1111, 0x3000);
    expect([io.readl(0x1000), io.readl(0x2000), io.readl(0x3000)]).toEqual([0xffff_ffff, 0xffff_ffff, 0xffff_ffff]);
  });
});

describe('recycled BAR and RAM memory: only written bytes are rewritten, none reach the next kernel', () => {
  it('edu BAR0 of the next kernel reads as a new one after driver writes, with the check on', async () => {
    kernelMemoryCheck(true);
    const k1 = new Kernel();
    const first = await eduIo(k1);
    first.io.writel(0xdead_beef, EDU_REG_LIVENESS);
    first.io.writel(0x1234_5678, 0x8_0000);
    first.io.setBigUint64(0xf_fff8, 0x0102_0304_0506_0708n, true);
    expect(first.io.readl(EDU_REG_LIVENESS)).toBe(0x2152_4110);
    releaseKernelBuffers(k1);
    const k2 = new Kernel();
    const second = await eduIo(k2);
    expect(second.io.readl(EDU_REG_ID)).toBe(EDU_ID);
    // The liveness register reads back the inverse of what was written (edu.c: addr4 = ~val); a new device's reads 0.
    expect(second.io.readl(EDU_REG_LIVENESS)).toBe(0);
    expect(second.io.readl(0x8_0000)).toBe(0xffff_ffff);
    expect(onesPastRegisters(second.pdev.resources[0]?.buffer as ArrayBuffer)).toBe(true);
  });

  it('stores through the raw buffers (resource, IoMem.buffer, RAM bytes) count everything as written', async () => {
    kernelMemoryCheck(true);
    const k1 = new Kernel();
    const { pdev, io } = await eduIo(k1);
    new Uint8Array(pdev.resources[0]?.buffer as ArrayBuffer)[0x2_0000] = 0x42;
    new Uint8Array(io.buffer)[EDU_BAR0_SIZE - 1] = 0x43;
    await inTask(k1, () => dmaAllocCoherent(pdev, 4096));
    systemRam(k1).bytes[0x8_0000] = 0x44;
    releaseKernelBuffers(k1);
    const k2 = new Kernel();
    const second = await eduIo(k2);
    const bar = new Uint8Array(second.pdev.resources[0]?.buffer as ArrayBuffer);
    expect([bar[0x2_0000], bar[EDU_BAR0_SIZE - 1]]).toEqual([0xff, 0xff]);
    await inTask(k2, () => dmaAllocCoherent(second.pdev, 4096));
    expect(systemRam(k2).bytes.every((b) => b === 0)).toBe(true);
  });

  it('coherent DMA memory written and freed leaves zeroed RAM for the next kernel', async () => {
    kernelMemoryCheck(true);
    const k1 = new Kernel();
    const { pdev } = await plugEdu(k1);
    const buf = await inTask(k1, () => dmaAllocCoherent(pdev, 8192));
    buf.cpu.setU32(0, 0xcafe_f00d);
    buf.cpu.setU32(8188, 0x1234_5678);
    dmaFreeCoherent(pdev, buf);
    releaseKernelBuffers(k1);
    const k2 = new Kernel();
    await plugEdu(k2);
    expect(systemRam(k2).bytes.every((b) => b === 0)).toBe(true);
  });

  it('after a surprise removal (all ones everywhere) the next edu still reads its ID', async () => {
    kernelMemoryCheck(true);
    const k1 = new Kernel();
    const { pdev, io } = await eduIo(k1);
    io.writel(7, EDU_REG_LIVENESS);
    await inTask(k1, () => pciSurpriseRemove(pdev));
    expect(new Uint8Array(pdev.resources[0]?.buffer as ArrayBuffer).every((b) => b === 0xff)).toBe(true);
    releaseKernelBuffers(k1);
    const k2 = new Kernel();
    const second = await eduIo(k2);
    expect(second.io.readl(EDU_REG_ID)).toBe(EDU_ID);
    expect(second.io.readl(EDU_REG_LIVENESS)).toBe(0);
  });

  it("a model that keeps the driver's stores (RAM-like, no registers): the stored bytes are restored", async () => {
    kernelMemoryCheck(true);
    const ramLike = (): PciDeviceModel => ({
      name: 'ramlike',
      vendor: 0x1b36,
      device: 0x0005,
      revision: 0,
      classCode: 0x00ff00,
      bars: [{ kind: 'mem32', size: 0x4000, registerBytes: 0 }],
      interruptPin: 0,
      msiVectors: 0,
      attach() {},
      reset() {},
      onMmioWrite() {},
    });
    const k1 = new Kernel();
    const p1 = await inTask(k1, () => pciAddDevice(k1, ramLike()));
    const io = pciIomap(p1, 0, 0) as IoMem;
    io.writel(0x1234_5678, 0x800);
    io.setUint16(0x3ffe, 0xabcd, true);
    expect([io.readl(0x800), io.readw(0x3ffe)]).toEqual([0x1234_5678, 0xabcd]);
    releaseKernelBuffers(k1);
    const k2 = new Kernel();
    const p2 = await inTask(k2, () => pciAddDevice(k2, ramLike()));
    const io2 = pciIomap(p2, 0, 0) as IoMem;
    expect([io2.readl(0x800), io2.readw(0x3ffe)]).toEqual([0, 0]);
  });

  it('a model that declares no register window gets a zeroed BAR back, whatever it wrote', async () => {
    kernelMemoryCheck(true);
    const scribbler = (): PciDeviceModel => ({
      name: 'scribbler',
      vendor: 0x1b36,
      device: 0x0005,
      revision: 0,
      classCode: 0x00ff00,
      bars: [{ kind: 'mem32', size: 0x4000 }],
      interruptPin: 0,
      msiVectors: 0,
      attach(ctx) {
        new Uint8Array(ctx.bar(0)).fill(0x99, 0x1000, 0x2000);
      },
      reset() {},
      onMmioWrite() {},
    });
    const k1 = new Kernel();
    await inTask(k1, () => pciAddDevice(k1, scribbler()));
    releaseKernelBuffers(k1);
    const k2 = new Kernel();
    const model = scribbler();
    model.attach = () => undefined;
    const pdev = await inTask(k2, () => pciAddDevice(k2, model));
    expect(new Uint8Array(pdev.resources[0]?.buffer as ArrayBuffer).every((b) => b === 0)).toBe(true);
  });

  it('pci_add_device rejects a BAR fill that is not a byte and a register window larger than the BAR', async () => {
    const k = new Kernel();
    const bad = (bar: object): PciDeviceModel => Object.assign(new EduDevice(), { bars: [bar] });
    await expect(inTask(k, () => pciAddDevice(k, bad({ kind: 'mem32', size: 0x1000, fill: 256 })))).rejects.toThrow(
      /model\.bars\[0\]\.fill/,
    );
    await expect(
      inTask(k, () => pciAddDevice(k, bad({ kind: 'mem32', size: 0x1000, registerBytes: 0x2000 }))),
    ).rejects.toThrow(/model\.bars\[0\]\.registerBytes/);
  });
});
