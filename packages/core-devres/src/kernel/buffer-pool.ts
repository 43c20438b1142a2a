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
 * gets them filled, byte for byte what it would get from a new buffer, so
 * runs stay deterministic. Buffers of a kernel nobody releases are simply
 * garbage collected with it. Buffers are never detached or transferred.
 *
 * Refilling a recycled megabyte is itself most of the cost that is left
 * (three 1 MiB fills per edu schedule: ~20% of its CPU, and memory traffic
 * that two explorer threads contend for). So a {@link KernelMemory} keeps
 * a record of the bytes that may differ from its fill byte, and only those
 * are rewritten: the owner (the PCI bus for a BAR, the system RAM) reports
 * every range it lets anyone write.
 *
 * # Invariants
 * - Every byte of `buffer` outside `[dirtyStart, dirtyEnd)` equals `fill`.
 *   An owner keeps this true by calling {@link KernelMemory.written} for
 *   every range that may have been written, before or as it is written; a
 *   write it does not report would reach the next kernel (and two explorer
 *   threads would then disagree). {@link kernelMemoryCheck} verifies the
 *   invariant at every reuse, for tests.
 * - A buffer handed out by {@link kernelMemory} holds `fill` in every byte;
 *   one handed out by {@link kernelBuffer} holds 0 in every byte and counts
 *   as written everywhere (its owner reports nothing).
 */
import { checkKernel } from './check-kernel.js';
import type { Kernel } from './kernel.js';
import { KernelLocal } from './kernel-local.js';

/** Idle buffers kept per size and fill (bounds the memory a pool can hold). */
const KEEP_PER_SIZE = 8;

/**
 * A recycled buffer and the record of which of its bytes may differ from
 * its fill byte (see the invariants above).
 */
export class KernelMemory {
  readonly buffer: ArrayBuffer;
  /** `buffer.byteLength`, as a field: {@link written} runs on every MMIO write. */
  private readonly size: number;
  private readonly bytes: Uint8Array;
  private readonly fillByte: number;
  private start: number;
  private end: number;

  /** Made by the pool ({@link kernelMemory}); a new one is a fresh buffer, every byte `fill`. Errors: RangeError as kernelMemory. */
  constructor(size: number, fill: number) {
    checkSize('KernelMemory', size);
    checkByte('KernelMemory', fill);
    this.buffer = new ArrayBuffer(size);
    this.size = size;
    this.bytes = new Uint8Array(this.buffer);
    this.fillByte = fill;
    if (fill !== 0) this.bytes.fill(fill);
    this.start = size;
    this.end = 0;
  }

  /** The byte every offset outside the written range holds. */
  get fill(): number {
    return this.fillByte;
  }

  /** Start of the range that may differ from {@link fill} (empty when ≥ {@link dirtyEnd}). */
  get dirtyStart(): number {
    return this.start;
  }

  /** End (exclusive) of the range that may differ from {@link fill}. */
  get dirtyEnd(): number {
    return this.end;
  }

  /**
   * Records that bytes `[start, end)` may have been written (clamped to the
   * buffer). Context: any; a few compares, no allocation.
   */
  written(start: number, end: number): void {
    const len = this.size;
    // Written as negated tests so that NaN (or anything not a number) widens
    // the range to the whole buffer: a record too wide costs a refill, one
    // too narrow would leak a byte into the next kernel.
    const s = !(start >= 0) ? 0 : start;
    const e = !(end <= len) ? len : end;
    if (s < this.start) this.start = s;
    if (e > this.end) this.end = e;
  }

  /**
   * Sets every byte to `byte`: only the written range is rewritten when
   * `byte` is the fill byte; otherwise all of it, and the fill byte stays
   * what it was (so the whole buffer now counts as written). Context: any.
   * Errors: RangeError for a byte outside 0..255.
   */
  reset(byte: number = this.fillByte): void {
    checkByte('KernelMemory.reset', byte);
    if (byte === this.fillByte) {
      if (this.start < this.end) this.bytes.fill(byte, this.start, this.end);
      this.start = this.size;
      this.end = 0;
      return;
    }
    this.bytes.fill(byte);
    this.written(0, this.size);
  }
}

/** The first offset outside `m`'s written range that differs from its fill byte, or -1 (the check). */
function firstStray(m: KernelMemory): number {
  const b = new Uint8Array(m.buffer);
  const f = m.fill;
  for (let i = 0; i < m.dirtyStart && i < b.length; i++) if (b[i] !== f) return i;
  for (let i = Math.max(m.dirtyEnd, 0); i < b.length; i++) if (b[i] !== f) return i;
  return -1;
}

function checkSize(fn: string, size: number): void {
  if (!(Number.isInteger(size) && size >= 0))
    throw new RangeError(`${fn}: size must be an integer ≥ 0 (got ${String(size)})`);
}

function checkByte(fn: string, byte: number): void {
  if (!(Number.isInteger(byte) && byte >= 0 && byte <= 255))
    throw new RangeError(`${fn}: fill must be a byte value 0..255 (got ${String(byte)})`);
}

/**
 * Idle buffers by size and fill byte: a BAR of all ones and a RAM of zeros
 * of the same size each get back their own, with only the written bytes
 * to rewrite, instead of trading buffers and refilling whole.
 */
const idle = new Map<number, KernelMemory[]>();
const poolKey = (size: number, fill: number): number => size * 256 + fill;
// Per kernel (a slot on it, not a module-level WeakMap: see kernel-local.ts).
const owned = new KernelLocal((): KernelMemory[] => []);
let checking = false;

/**
 * Turns on (or off) a check of every reused buffer: before it is refilled,
 * each byte outside its written range must still hold the fill byte. A
 * stray byte means an owner let a write go unreported, and would have
 * reached the next kernel. Context: outside the simulation (tests).
 */
export function kernelMemoryCheck(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`kernelMemoryCheck: on must be a boolean (got ${typeof on})`);
  checking = on;
}

/**
 * Recycled memory of `size` bytes owned by `k`, every byte `fill` (default
 * 0), reused when a released buffer of that size is idle. The owner must
 * report every range it lets be written with {@link KernelMemory.written}.
 * Context: any.
 * Errors: RangeError for a size that is not an integer ≥ 0 or a fill that
 * is not a byte; Error, with the kernelMemoryCheck on, when the reused
 * buffer holds a byte its last owner did not report.
 */
export function kernelMemory(k: Kernel, size: number, fill = 0): KernelMemory {
  checkKernel('kernelMemory', k);
  checkSize('kernelMemory', size);
  checkByte('kernelMemory', fill);
  let m = idle.get(poolKey(size, fill))?.pop();
  if (m === undefined) m = new KernelMemory(size, fill);
  else {
    if (checking) {
      const at = firstStray(m);
      if (at >= 0)
        throw new Error(
          `kernelMemory: a recycled ${size}-byte buffer holds 0x${(new Uint8Array(m.buffer)[at] ?? 0).toString(16)} at offset 0x${at.toString(16)}, outside the range its owner reported written`,
        );
    }
    // Same size and fill (the pool's key): rewrite only what was written.
    m.reset();
  }
  owned.get(k).push(m);
  return m;
}

/**
 * A zero-filled buffer of `size` bytes owned by `k` (reused when a released
 * one of that size is idle). Its owner reports no writes, so the whole
 * buffer is rewritten when it is reused. Context: any.
 * Errors: RangeError for a size that is not an integer ≥ 0.
 */
export function kernelBuffer(k: Kernel, size: number): ArrayBuffer {
  checkKernel('kernelBuffer', k);
  checkSize('kernelBuffer', size);
  const m = kernelMemory(k, size, 0);
  m.written(0, size);
  return m.buffer;
}

/**
 * Hands back every buffer `k` got from {@link kernelMemory} and
 * {@link kernelBuffer}. The kernel and everything built on it must not be
 * used afterwards (the memory goes to the next kernel). Context: outside
 * the simulation, after the kernel's last run.
 */
export function releaseKernelBuffers(k: Kernel): void {
  checkKernel('releaseKernelBuffers', k);
  const list = owned.get(k);
  for (const m of list.splice(0)) {
    const key = poolKey(m.buffer.byteLength, m.fill);
    const pool = idle.get(key) ?? [];
    if (pool.length < KEEP_PER_SIZE) pool.push(m);
    idle.set(key, pool);
  }
}
