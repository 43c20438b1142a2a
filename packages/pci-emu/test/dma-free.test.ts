import { deviceReleaseDriver, Kernel } from '@quiesce/core-devres';
import { dmaAllocCoherent, dmaFreeCoherent, dmamAllocCoherent, pciRegisterDriver } from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { driver, inTask, plugEdu } from './helpers.js';

describe('a freed coherent DMA buffer traps on CPU access', () => {
  it('dma_free_coherent, then a CPU read: use-after-free with allocation, free and access stacks', async () => {
    const k = new Kernel();
    const { pdev } = await plugEdu(k);
    const buf = await inTask(k, () => dmaAllocCoherent(pdev, 4096));
    expect(buf.cpu.getU32(0)).toBe(0); // dma_alloc_coherent memory is zeroed
    buf.cpu.setU32(0, 0x1234);
    dmaFreeCoherent(pdev, buf);
    buf.cpu.getU32(0);
    expect(k.reports.map((r) => r.kind)).toEqual(['use-after-free']);
    const r = k.reports[0];
    expect(r?.title).toBe('BUG: KASAN: use-after-free in getU32');
    expect(r?.resource).toBe('dma-coherent');
    expect(r?.stacks.acquired && r.stacks.released && r.stacks.access).toBeTruthy();
    dmaFreeCoherent(pdev, buf); // a second free warns (not allocated)
    expect(k.reports.map((r) => r.kind)).toEqual(['use-after-free', 'warn']);
  });

  it('dma_free_coherent from a hardirq handler WARNs (irqs_disabled) and still frees; from softirq it does not', async () => {
    const k = new Kernel();
    const { pdev } = await plugEdu(k);
    const [a, b] = await inTask(k, () => [dmaAllocCoherent(pdev, 64), dmaAllocCoherent(pdev, 64)]);
    k.runAtomic('softirq', 0, 'tasklet', () => dmaFreeCoherent(pdev, b));
    expect(k.reports).toEqual([]);
    k.runAtomic('hardirq', 0, 'edu irq', () => dmaFreeCoherent(pdev, a));
    expect(k.reports.map((r) => [r.kind, r.detail])).toEqual([
      ['warn', 'WARN_ON(irqs_disabled()) in dma_free_attrs: dma_free_coherent from hardirq context'],
    ]);
    expect(a.cpu.isFreed).toBe(true);
  });

  it('with the sanitizer off the stale CPU access throws (the trap)', async () => {
    const k = new Kernel({ sanitizer: 'off' });
    const { pdev } = await plugEdu(k);
    const buf = await inTask(k, () => dmaAllocCoherent(pdev, 64));
    dmaFreeCoherent(pdev, buf);
    expect(() => buf.cpu.memset(0)).toThrow(RangeError);
  });

  it('dmam_alloc_coherent memory is dead after unbind', async () => {
    const k = new Kernel();
    const { pdev } = await plugEdu(k);
    let buf: ReturnType<typeof dmamAllocCoherent> | null = null;
    await inTask(k, () =>
      pciRegisterDriver(
        k,
        driver('edu', async (d) => {
          buf = dmamAllocCoherent(d, 4096);
        }),
      ),
    );
    expect(buf).not.toBeNull();
    await inTask(k, () => deviceReleaseDriver(pdev));
    expect((buf as unknown as { cpu: { isFreed: boolean } }).cpu.isFreed).toBe(true);
    expect(k.reports).toEqual([]);
  });
});
