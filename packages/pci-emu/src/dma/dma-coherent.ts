/**
 * The DMA API slice a PCI driver needs (kernel/dma/mapping.c):
 * `dma_set_mask`, `dma_alloc_coherent`, `dma_free_coherent`,
 * `dmam_alloc_coherent`.
 */
import { badArg, checkInt, checkIntRange, devresAdd, KBuf, KernelError, mightSleep } from '@quiesce/core-devres';
import { checkPciDev } from '../pci/check.js';
import type { PciDev } from '../pci/pci-dev.js';
import { systemRam } from './system-ram.js';

/**
 * A coherent buffer: the CPU's view and the bus address the device uses.
 * `cpu` is a `KBuf` over the buffer's bytes in system RAM: once the buffer
 * is freed its prototype is dead, so a CPU access is KASAN's
 * `use-after-free` with the allocation, free and access stacks (a
 * `RangeError` with the sanitizer off), at no cost while it is live.
 */
export interface DmaCoherent {
  /** The CPU address: the bytes in system RAM (`getU8…`, `setU32…`, `memset`, `memcpyFrom`, `memcpyTo`). */
  readonly cpu: KBuf;
  /** The bus (DMA) address to program into the device. */
  readonly dmaHandle: number;
  readonly size: number;
}

/** `DMA_BIT_MASK(n)` as a number (n ≤ 53) . */
export function dmaBitMask(n: number): number {
  return n >= 53 ? Number.MAX_SAFE_INTEGER : 2 ** n - 1;
}

/**
 * `dma_set_mask_and_coherent()`: the addresses the device can reach.
 * Context: any. Returns: 0, or -EIO when the mask cannot reach any of
 * system RAM (as `dma_supported()` failing).
 */
export function dmaSetMaskAndCoherent(dev: PciDev, mask: number): number {
  checkPciDev('dma_set_mask_and_coherent', dev);
  checkIntRange('dma_set_mask_and_coherent', 'mask', mask, 0, Number.MAX_SAFE_INTEGER);
  const ram = systemRam(dev.kernel);
  if (mask < ram.base) return -5; // -EIO
  dev.dmaMask = mask;
  return 0;
}

/**
 * `dma_alloc_coherent()`: allocates `size` bytes of system RAM reachable
 * under the device's DMA mask. Context: may sleep (GFP_KERNEL).
 * Errors: `-ENOMEM` when RAM (below the mask) is exhausted; the kernel
 * returns NULL, here it throws; also for a negative `size` (a size_t that
 * large fits no RAM). TypeError when `size` is not an integer (NaN, 4.5).
 */
export function dmaAllocCoherent(dev: PciDev, size: number): DmaCoherent {
  checkPciDev('dma_alloc_coherent', dev);
  checkInt('dma_alloc_coherent', 'size', size);
  mightSleep(dev.kernel, 'dma_alloc_coherent');
  if (size < 0) throw new KernelError('ENOMEM', `dma_alloc_coherent(${size}) for ${dev.name}: size_t too large`);
  const ram = systemRam(dev.kernel);
  if (dev.kernel.allocFails()) throw new KernelError('ENOMEM', `dma_alloc_coherent(${size}) for ${dev.name}`);
  const at = ram.alloc(size, dev.dmaMask);
  if (at === null) throw new KernelError('ENOMEM', `dma_alloc_coherent(${size}) for ${dev.name}: no RAM below mask`);
  const cpu = new KBuf(dev.kernel, size, 'dma-coherent', 'dma', ram.view(at, size));
  return { cpu, dmaHandle: at, size };
}

/**
 * `dma_free_coherent()`: frees the RAM and kills the CPU view (a later CPU
 * access is `use-after-free`). Warns when `buf` is not allocated (a second
 * free). Context: process or softirq; with interrupts disabled (a hardirq
 * handler) it warns `WARN_ON(irqs_disabled())`, as `dma_free_attrs` does
 * (on non-coherent platforms the free may vunmap), and still frees.
 * Interrupts disabled by `spin_lock_irqsave` are not modelled, so that case
 * is not caught.
 */
export function dmaFreeCoherent(dev: PciDev, buf: DmaCoherent): void {
  checkPciDev('dma_free_coherent', dev);
  if (buf === null || typeof buf !== 'object' || typeof buf.cpu !== 'object' || !Number.isSafeInteger(buf.dmaHandle))
    throw badArg('dma_free_coherent', 'buf', 'a DmaCoherent from dma_alloc_coherent', buf);
  if (dev.kernel.contextInfo().kind === 'hardirq') {
    dev.kernel.warn(dev.name, 'WARN_ON(irqs_disabled()) in dma_free_attrs: dma_free_coherent from hardirq context');
  }
  if (!systemRam(dev.kernel).free(buf.dmaHandle)) {
    dev.kernel.warn(dev.name, `dma_free_coherent: 0x${buf.dmaHandle.toString(16)} is not allocated`);
    return;
  }
  if (!buf.cpu.isFreed) buf.cpu.kill();
}

/** `dmam_alloc_coherent()`: as {@link dmaAllocCoherent}, freed at unbind. Context: may sleep. */
export function dmamAllocCoherent(dev: PciDev, size: number): DmaCoherent {
  checkPciDev('dmam_alloc_coherent', dev);
  checkInt('dmam_alloc_coherent', 'size', size);
  mightSleep(dev.kernel, 'dmam_alloc_coherent');
  const buf = dmaAllocCoherent(dev, size);
  try {
    devresAdd(dev, { name: `dma coherent 0x${buf.dmaHandle.toString(16)}`, release: () => dmaFreeCoherent(dev, buf) });
  } catch (e) {
    dmaFreeCoherent(dev, buf);
    throw e;
  }
  return buf;
}
