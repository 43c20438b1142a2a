import { Kernel, sleepNs } from '@quiesce/core-devres';
import {
  type DmaCoherent,
  devmRequestIrq,
  dmaAllocCoherent,
  dmaBitMask,
  dmaSetMaskAndCoherent,
  EDU_DMA_START,
  EDU_FACT_NS,
  EDU_REG_DMA_CMD,
  EDU_REG_DMA_CNT,
  EDU_REG_DMA_DST,
  EDU_REG_DMA_SRC,
  EDU_REG_FACT,
  EDU_REG_ID,
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_RAISE,
  EDU_REG_IRQ_STATUS,
  EDU_REG_LIVENESS,
  EDU_REG_STATUS,
  EduDevice,
  eduFactorial,
  type IoMem,
  IRQ_HANDLED,
  IRQ_NONE,
  PCI_IRQ_INTX,
  PCI_IRQ_MSI,
  type PciDev,
  pciAllocIrqVectors,
  pciIomap,
  pciIrqVector,
  pcimEnableDevice,
  pcimIomapRegion,
  pciRegisterDriver,
  pciSetMaster,
} from '@quiesce/pci-emu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { driver, inTask, kernel, plugEdu } from './helpers.js';

async function eduIo(k: Kernel, edu = new EduDevice()): Promise<{ pdev: PciDev; io: IoMem; edu: EduDevice }> {
  const { pdev } = await plugEdu(k, edu);
  return { pdev, edu, io: pciIomap(pdev, 0, 0) as IoMem };
}

describe('edu: identification and liveness', () => {
  it('0x00 reads 0x010000ed (version 1.0) and ignores writes', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    expect(io.readl(EDU_REG_ID)).toBe(0x010000ed);
    io.writel(0, EDU_REG_ID);
    expect(io.readl(EDU_REG_ID)).toBe(0x010000ed);
  });

  it('0x04 stores the complement: 0x12345678 → 0xedcba987', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    expect(io.readl(EDU_REG_LIVENESS)).toBe(0); // zero-initialised state
    io.writel(0x1234_5678, EDU_REG_LIVENESS);
    expect(io.readl(EDU_REG_LIVENESS)).toBe(0xedcb_a987);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (v) => {
        io.writel(v, EDU_REG_LIVENESS);
        expect(io.readl(EDU_REG_LIVENESS)).toBe(~v >>> 0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('edu: access-size rules (QEMU .valid = 4..8 bytes, aligned)', () => {
  it('byte and word reads are invalid accesses and read 0; their writes are dropped', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    expect(io.readb(EDU_REG_ID)).toBe(0);
    expect(io.readw(EDU_REG_ID)).toBe(0);
    io.writel(0x1234_5678, EDU_REG_LIVENESS);
    io.writeb(0, EDU_REG_LIVENESS);
    io.writew(0, EDU_REG_LIVENESS);
    expect(io.readl(EDU_REG_LIVENESS)).toBe(0xedcb_a987);
  });

  it('below 0x80 only 4-byte accesses: an 8-byte read gives all ones, an 8-byte write is ignored', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    expect(io.readq(EDU_REG_ID)).toBe(0xffff_ffff_ffff_ffffn);
    io.writeq(0n, EDU_REG_LIVENESS - 4); // 8 bytes at 0x00
    expect(io.readl(EDU_REG_ID)).toBe(0x010000ed);
    expect(io.readl(EDU_REG_LIVENESS)).toBe(0);
  });

  it('unlisted offsets read all ones and ignore writes; so do the write-only raise/ack registers', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    for (const off of [0x0c, 0x10, 0x1c, 0x28, 0x5c, 0x68, 0x7c, 0xa0, 0x1000, 0x40000, 0xffffc]) {
      expect(io.readl(off)).toBe(0xffff_ffff);
      io.writel(0x5a5a_5a5a, off);
      expect(io.readl(off)).toBe(0xffff_ffff);
    }
    expect(io.readl(EDU_REG_IRQ_RAISE)).toBe(0xffff_ffff);
    expect(io.readl(EDU_REG_IRQ_ACK)).toBe(0xffff_ffff);
    expect(io.readq(0xa0)).toBe(0xffff_ffff_ffff_ffffn);
  });

  it('an unaligned 8-byte read is outside .valid and reads 0 (sanitizer off: the model sees it)', async () => {
    const k = new Kernel({ cpus: 2, sanitizer: 'off' });
    const { io } = await eduIo(k);
    expect(io.readq(0x84)).toBe(0n);
  });

  it('with the sanitizer on the unaligned read is an invalid-mmio report and never reaches the model', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    expect(io.readq(0x84)).toBe(0xffff_ffff_ffff_ffffn);
    expect(k.reports.map((r) => [r.kind, r.title])).toEqual([['invalid-mmio', 'BUG: invalid MMIO access in readq']]);
    expect(k.reports[0]?.detail).toMatch(/size 8 at offset 0x84 of edu .* BAR0: the offset is not 8-byte aligned/);
  });
});

describe('edu: factorial', () => {
  it('5 → 120 after the compute time; status bit 0x01 while computing', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    await inTask(k, async () => {
      io.writel(5, EDU_REG_FACT);
      expect(io.readl(EDU_REG_STATUS) & 0x01).toBe(0x01);
      expect(io.readl(EDU_REG_FACT)).toBe(5); // the input until the thread is done
      io.writel(7, EDU_REG_FACT); // ignored while computing
      await sleepNs(k, EDU_FACT_NS);
      expect(io.readl(EDU_REG_STATUS) & 0x01).toBe(0);
      expect(io.readl(EDU_REG_FACT)).toBe(120);
    });
  });

  it('wraps modulo 2^32: 13! = 1932053504, 12! = 479001600, 0! = 1, n ≥ 34 → 0', () => {
    expect(eduFactorial(5)).toBe(120);
    expect(eduFactorial(12)).toBe(479001600);
    expect(eduFactorial(13)).toBe(6227020800 - 2 ** 32);
    expect(eduFactorial(13)).toBe(1932053504);
    expect(eduFactorial(0)).toBe(1);
    expect(eduFactorial(1)).toBe(1);
    expect(eduFactorial(34)).toBe(0);
    expect(eduFactorial(0xffff_ffff)).toBe(0);
  });

  it('property: matches the u32 loop computed with BigInt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), (n) => {
        let r = 1n;
        for (let v = BigInt(n); v > 0n; v--) r = (r * v) & 0xffff_ffffn;
        expect(eduFactorial(n)).toBe(Number(r));
      }),
      { numRuns: 60 },
    );
  });

  it('status 0x80 is writable, 0x01 is not; writing without 0x80 clears it', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    io.writel(0xffff_ffff, EDU_REG_STATUS);
    expect(io.readl(EDU_REG_STATUS)).toBe(0x80);
    io.writel(0x01, EDU_REG_STATUS);
    expect(io.readl(EDU_REG_STATUS)).toBe(0);
  });
});

describe('edu: interrupt status, raise, acknowledge', () => {
  it('raise ORs into the status, acknowledge clears the bits written', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    io.writel(0x10, EDU_REG_IRQ_RAISE);
    io.writel(0x03, EDU_REG_IRQ_RAISE);
    expect(io.readl(EDU_REG_IRQ_STATUS)).toBe(0x13);
    io.writel(0x11, EDU_REG_IRQ_ACK);
    expect(io.readl(EDU_REG_IRQ_STATUS)).toBe(0x02);
    io.writel(0x24, EDU_REG_IRQ_STATUS); // read-only
    expect(io.readl(EDU_REG_IRQ_STATUS)).toBe(0x02);
  });
});

interface EduDrvData {
  io: IoMem;
  irq: number;
  irqs: number[];
  pdev: PciDev;
}

/** A small edu driver: enable, master, map, one vector, an ISR that reads, records and acknowledges. */
async function boundEdu(k: Kernel, flags: number, ack = true): Promise<EduDrvData> {
  const box: { d: EduDrvData | null } = { d: null };
  const drv = driver('edu', async (pdev) => {
    pcimEnableDevice(pdev);
    pciSetMaster(pdev);
    expect(dmaSetMaskAndCoherent(pdev, dmaBitMask(28))).toBe(0);
    const io = pcimIomapRegion(pdev, 0, 'edu');
    expect(pciAllocIrqVectors(pdev, 1, 1, flags)).toBe(1);
    const irq = pciIrqVector(pdev, 0);
    const d: EduDrvData = { io, irq, irqs: [], pdev };
    await devmRequestIrq(
      pdev,
      irq,
      function eduIsr() {
        const st = d.io.readl(EDU_REG_IRQ_STATUS);
        if (st === 0) return IRQ_NONE;
        d.irqs.push(st);
        if (ack) d.io.writel(st, EDU_REG_IRQ_ACK);
        return IRQ_HANDLED;
      },
      0,
      'edu',
      d,
      null,
    );
    box.d = d;
  });
  await inTask(k, () => pciRegisterDriver(k, drv));
  await plugEdu(k);
  if (box.d === null) throw new Error('probe did not run');
  return box.d;
}

describe('edu: interrupts', () => {
  for (const [name, flags] of [
    ['INTx', PCI_IRQ_INTX],
    ['MSI', PCI_IRQ_MSI],
  ] as const) {
    it(`${name}: raise register → handler sees the status; acknowledge lowers it`, async () => {
      const k = kernel();
      const d = await boundEdu(k, flags);
      d.io.writel(0x1234, EDU_REG_IRQ_RAISE);
      await k.run();
      expect(d.irqs).toEqual([0x1234]);
      expect(d.io.readl(EDU_REG_IRQ_STATUS)).toBe(0);
    });

    it(`${name}: factorial done with status 0x80 raises interrupt 0x01; without 0x80 nothing`, async () => {
      const k = kernel();
      const d = await boundEdu(k, flags);
      d.io.writel(4, EDU_REG_FACT);
      await k.run();
      expect(d.irqs).toEqual([]);
      expect(d.io.readl(EDU_REG_FACT)).toBe(24);
      d.io.writel(0x80, EDU_REG_STATUS);
      d.io.writel(5, EDU_REG_FACT);
      await k.run();
      expect(d.irqs).toEqual([0x01]);
      expect(d.io.readl(EDU_REG_FACT)).toBe(120);
    });
  }

  it('MSI is chosen when allowed: vector from the MSI range, INTx disabled in the command register', async () => {
    const k = kernel();
    const d = await boundEdu(k, PCI_IRQ_MSI | PCI_IRQ_INTX);
    expect(d.pdev.msiNvec).toBe(1);
    expect(d.irq).toBe(d.pdev.msiIrqBase);
    expect(d.irq).not.toBe(d.pdev.intxIrq);
    expect(d.pdev.config.msiEnabled).toBe(true);
  });

  it('INTx is level-triggered: a handler that does not acknowledge runs again until the storm limit', async () => {
    const k = kernel();
    const d = await boundEdu(k, PCI_IRQ_INTX, false);
    d.io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(d.irqs.length).toBe(1000);
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
    expect(k.reports[0]?.title).toContain('interrupt storm');
  });

  it('MSI is edge-triggered: without acknowledge the handler runs once per raise', async () => {
    const k = kernel();
    const d = await boundEdu(k, PCI_IRQ_MSI, false);
    d.io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    d.io.writel(2, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(d.irqs).toEqual([1, 3]);
  });
});

describe('edu: DMA', () => {
  async function dmaSetup(k: Kernel): Promise<{ d: EduDrvData; buf: DmaCoherent }> {
    const d = await boundEdu(k, PCI_IRQ_MSI);
    const buf = await inTask(k, () => dmaAllocCoherent(d.pdev, 4096));
    return { d, buf };
  }

  function program(io: IoMem, src: number, dst: number, cnt: number, cmd: number): void {
    io.writel(src, EDU_REG_DMA_SRC);
    io.writel(dst, EDU_REG_DMA_DST);
    io.writel(cnt, EDU_REG_DMA_CNT);
    io.writel(cmd, EDU_REG_DMA_CMD);
  }

  it('RAM → edu → RAM round trip of 100 bytes, each leg 100 ms, IRQ 0x100 when asked', async () => {
    const k = kernel();
    const { d, buf } = await dmaSetup(k);
    for (let i = 0; i < 100; i++) buf.cpu.setU8(i, (i * 7 + 3) & 0xff);
    const t0 = k.now;
    program(d.io, buf.dmaHandle, EDU_DMA_START, 100, 0x1);
    expect(d.io.readl(EDU_REG_DMA_CMD)).toBe(0x1);
    await k.runFor(99_000_000);
    expect(d.io.readl(EDU_REG_DMA_CMD) & 1).toBe(1); // still running
    await k.run();
    expect(k.now - t0).toBe(100_000_000);
    expect(d.io.readl(EDU_REG_DMA_CMD)).toBe(0);
    expect(d.irqs).toEqual([]);
    program(d.io, EDU_DMA_START, buf.dmaHandle + 100, 100, 0x1 | 0x2 | 0x4);
    await k.run();
    expect(d.io.readl(EDU_REG_DMA_CMD)).toBe(0x6);
    expect(d.irqs).toEqual([0x100]);
    expect([...buf.cpu.memcpyTo(100, 100)]).toEqual([...buf.cpu.memcpyTo(0, 100)]);
    expect(k.reports).toHaveLength(0);
  });

  it('completes at the next whole millisecond + 100 ms (QEMU ms timer)', async () => {
    const k = kernel();
    const { d, buf } = await dmaSetup(k);
    await inTask(k, () => sleepNs(k, 1_500_000 - (k.now % 1_000_000)));
    const now = k.now;
    program(d.io, buf.dmaHandle, EDU_DMA_START, 4, 0x1);
    await k.run();
    expect(k.now).toBe((Math.floor(now / 1e6) + 100) * 1e6);
  });

  it('DMA registers are 64-bit: 8-byte access round-trips, a 4-byte write clears the high half', async () => {
    const k = kernel();
    const { io } = await eduIo(k);
    io.writeq(0x1_2345_6789n, EDU_REG_DMA_SRC);
    expect(io.readq(EDU_REG_DMA_SRC)).toBe(0x1_2345_6789n);
    expect(io.readl(EDU_REG_DMA_SRC)).toBe(0x2345_6789);
    expect(io.readl(EDU_REG_DMA_SRC + 4)).toBe(0xffff_ffff); // 0x84 is not a register
    io.writel(0x42, EDU_REG_DMA_SRC);
    expect(io.readq(EDU_REG_DMA_SRC)).toBe(0x42n);
    io.writeq(0xffn, EDU_REG_DMA_CNT);
    expect(io.readq(EDU_REG_DMA_CNT)).toBe(0xffn);
    io.writeq(0x40000n, EDU_REG_DMA_DST);
    expect(io.readq(EDU_REG_DMA_DST)).toBe(0x40000n);
  });

  it('a command without the start bit is ignored; registers are frozen while a transfer runs', async () => {
    const k = kernel();
    const { d, buf } = await dmaSetup(k);
    d.io.writel(0x6, EDU_REG_DMA_CMD);
    expect(d.io.readl(EDU_REG_DMA_CMD)).toBe(0);
    program(d.io, buf.dmaHandle, EDU_DMA_START, 8, 0x1);
    d.io.writel(0x1234, EDU_REG_DMA_SRC);
    d.io.writel(1, EDU_REG_DMA_CNT);
    d.io.writel(0x7, EDU_REG_DMA_CMD);
    expect(d.io.readl(EDU_REG_DMA_SRC)).toBe(buf.dmaHandle);
    expect(d.io.readl(EDU_REG_DMA_CNT)).toBe(8);
    expect(d.io.readl(EDU_REG_DMA_CMD)).toBe(0x1);
    await k.run();
    expect(d.irqs).toEqual([]); // the 0x7 write (IRQ bit) was ignored
  });

  it('out-of-buffer transfers are logged as guest errors and do not copy', async () => {
    const k = kernel();
    const { d, buf } = await dmaSetup(k);
    buf.cpu.memset(0x11, 0, 16);
    program(d.io, buf.dmaHandle, EDU_DMA_START + 4090, 16, 0x1);
    await k.run();
    expect(d.pdev.guestErrors).toEqual([
      'EDU: DMA range 0x0000000000040ffa-0x0000000000041009 out of bounds (0x0000000000040000-0x0000000000040fff)!',
    ]);
    expect(d.io.readl(EDU_REG_DMA_CMD)).toBe(0);
  });

  it('addresses are masked with dma_mask (28 bits): clamped and logged', async () => {
    const k = kernel();
    const { d, buf } = await dmaSetup(k);
    buf.cpu.memset(0x5a, 0, 8);
    program(d.io, buf.dmaHandle + 0x1000_0000, EDU_DMA_START, 8, 0x1);
    await k.run();
    const edu = d.pdev.model as EduDevice;
    expect([...edu.dmaBuf.subarray(0, 8)]).toEqual(Array(8).fill(0x5a));
    expect(d.pdev.guestErrors[0]).toBe(
      `EDU: clamping DMA 0x${(buf.dmaHandle + 0x1000_0000).toString(16).padStart(16, '0')} to 0x${buf.dmaHandle.toString(16).padStart(16, '0')}!`,
    );
  });

  it('without bus mastering the transfer does not reach RAM', async () => {
    const k = kernel();
    const { pdev, io, edu } = await eduIo(k);
    const buf = await inTask(k, () => dmaAllocCoherent(pdev, 4096));
    buf.cpu.memset(0x77, 0, 8);
    program(io, buf.dmaHandle, EDU_DMA_START, 8, 0x1);
    await k.run();
    expect([...edu.dmaBuf.subarray(0, 8)]).toEqual(Array(8).fill(0));
    expect(io.readl(EDU_REG_DMA_CMD)).toBe(0);
  });

  it('DMA into RAM that was never allocated is a report', async () => {
    const k = kernel();
    const { d, buf } = await dmaSetup(k);
    program(d.io, EDU_DMA_START, buf.dmaHandle + 0x8000, 8, 0x3);
    await k.run();
    expect(k.reports.map((r) => r.kind)).toEqual(['use-after-remove']);
    expect(k.reports[0]?.title).toContain('DMA write to unallocated memory');
  });
});
