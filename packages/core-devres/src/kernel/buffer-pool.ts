/**
 * Backing memory for a kernel's device worlds (BAR storage, system RAM),
 * recycled between runs. No kernel file emulated: Linux gets this memory
 * from the page allocator; here it is `ArrayBuffer`s.
 *
 * Why: an explored schedule builds a fresh world, and the edu world's two
 * 1 MiB buffers (BAR0 and the DMA-able RAM) cost more than the rest of the
 * schedule together (fresh pages faulted in, then garbage collected). A
 * caller that knows a kernel is finished (the explorer, after a search run)
 * hands its buffers back with {@link releaseKernelBuffers}; the next kernel
 * gets them zeroed, byte for byte what a new `ArrayBuffer` holds, so runs
 * stay deterministic. Buffers of a kernel nobody releases are simply
 * garbage collected with it. Buffers are never detached or transferred.
 */
import type { Kernel } from './kernel.js';
import { KernelLocal } from './kernel-local.js';

/** Idle buffers kept per size (bounds the memory a pool can hold). */
const KEEP_PER_SIZE = 8;

const idle = new Map<number, ArrayBuffer[]>();
// Per kernel (a slot on it, not a module-level WeakMap: see kernel-local.ts).
const owned = new KernelLocal((): ArrayBuffer[] => []);

/**
 * A zero-filled buffer of `size` bytes owned by `k` (reused when a released
 * one of that size is idle). Context: any.
 * Errors: RangeError for a size that is not an integer ≥ 0.
 */
export function kernelBuffer(k: Kernel, size: number): ArrayBuffer {
  if (!(Number.isInteger(size) && size >= 0))
    throw new RangeError(`kernelBuffer: size must be an integer ≥ 0 (got ${size})`);
  const b = idle.get(size)?.pop();
  const buf = b ?? new ArrayBuffer(size);
  if (b !== undefined) new Uint8Array(b).fill(0);
  owned.get(k).push(buf);
  return buf;
}

/**
 * Hands back every buffer `k` got from {@link kernelBuffer}. The kernel and
 * everything built on it must not be used afterwards (the memory goes to the
 * next kernel). Context: outside the simulation, after the kernel's last run.
 */
export function releaseKernelBuffers(k: Kernel): void {
  const list = owned.get(k);
  for (const b of list.splice(0)) {
    const pool = idle.get(b.byteLength) ?? [];
    if (pool.length < KEEP_PER_SIZE) pool.push(b);
    idle.set(b.byteLength, pool);
  }
}
