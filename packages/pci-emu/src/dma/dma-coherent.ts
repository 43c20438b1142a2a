/**
 * The DMA API slice a PCI driver needs (kernel/dma/mapping.c):
 * `dma_set_mask`, `dma_alloc_coherent`, `dma_free_coherent`,
 * `dmam_alloc_coherent`.
 */
import { devresAdd, KernelError } from '@quiesce/core-devres';
import type { PciDev } from '../pci/pci-dev.js';
import { systemRam } from './system-ram.js';

/** A coherent buffer: the CPU's view and the bus address the device uses. */
export interface DmaCoherent {
  /** The CPU address, as bytes in system RAM. */
  readonly cpu: Uint8Array;
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
  const ram = systemRam(dev.kernel);
  if (mask < ram.base) return -5; // -EIO
  dev.dmaMask = mask;
  return 0;
}

/**
 * `dma_alloc_coherent()`: allocates `size` bytes of system RAM reachable
 * under the device's DMA mask. Context: may sleep (GFP_KERNEL).
 * Errors: `-ENOMEM` when RAM (below the mask) is exhausted; the kernel
 * returns NULL, here it throws.
 */
export function dmaAllocCoherent(dev: PciDev, size: number): DmaCoherent {
  const ram = systemRam(dev.kernel);
  if (dev.kernel.allocFails()) throw new KernelError('ENOMEM', `dma_alloc_coherent(${size}) for ${dev.name}`);
  const at = ram.alloc(size, dev.dmaMask);
  if (at === null) throw new KernelError('ENOMEM', `dma_alloc_coherent(${size}) for ${dev.name}: no RAM below mask`);
  return { cpu: ram.view(at, size), dmaHandle: at, size };
}

/** `dma_free_coherent()`. Warns when `buf` is not allocated. Context: any. */
export function dmaFreeCoherent(dev: PciDev, buf: DmaCoherent): void {
  if (!systemRam(dev.kernel).free(buf.dmaHandle)) {
    dev.kernel.warn(dev.name, `dma_free_coherent: 0x${buf.dmaHandle.toString(16)} is not allocated`);
  }
}

/** `dmam_alloc_coherent()`: as {@link dmaAllocCoherent}, freed at unbind. Context: may sleep. */
export function dmamAllocCoherent(dev: PciDev, size: number): DmaCoherent {
  const buf = dmaAllocCoherent(dev, size);
  try {
    devresAdd(dev, { name: `dma coherent 0x${buf.dmaHandle.toString(16)}`, release: () => dmaFreeCoherent(dev, buf) });
  } catch (e) {
    dmaFreeCoherent(dev, buf);
    throw e;
  }
  return buf;
}
