/**
 * Kernel memory (mm/slab_common.c, include/linux/slab.h): `kmalloc`,
 * `kzalloc`, `kcalloc`, `kmalloc_array`, `krealloc`, `kfree`.
 *
 * Every allocation is its own {@link KBuf}. Semantics kept from the kernel:
 * - `GFP_KERNEL` (direct reclaim) may sleep: the context is checked
 *   (`might_alloc`), whether or not this call would block;
 *   `GFP_ATOMIC`/`GFP_NOWAIT` never sleep. Any allocation may fail (as
 *   failslab: `Kernel.failNextAllocations`), and then returns null.
 * - size 0 returns {@link ZERO_SIZE_PTR}; `kfree(null)` and
 *   `kfree(ZERO_SIZE_PTR)` are no-ops.
 * - more than {@link KMALLOC_MAX_SIZE} fails with a WARN (once per kernel,
 *   none with `__GFP_NOWARN`); `kcalloc`'s multiplication overflow fails
 *   silently.
 * - a second `kfree` is KASAN's `double-free`; freeing what kmalloc did not
 *   return (devres memory, any other object) is `invalid-free`; nothing is
 *   freed then.
 * Deliberate differences are in docs/runtime.md ("Kernel memory").
 */
import { checkKernel } from '../kernel/check-kernel.js';
import type { Kernel } from '../kernel/kernel.js';
import { KernelLocal } from '../kernel/kernel-local.js';
import { mightSleep } from '../kernel/might-sleep.js';
import { __GFP_NOWARN, __GFP_ZERO, checkGfp, checkSize, gfpflagsAllowBlocking } from './gfp.js';
import { isKBuf, KBuf, kbufResource, kbufStacks, POISON_INUSE, REPORTED_DOUBLE_FREE } from './kbuf.js';
import { kmemleakAlloc, kmemleakFree } from './kmemleak.js';

/** `KMALLOC_MAX_SIZE` on x86-64 (MAX_PAGE_ORDER 10, 4 KiB pages): 4 MiB. */
export const KMALLOC_MAX_SIZE = 1 << 22;
/** `KMALLOC_MAX_CACHE_SIZE` (SLUB: two pages): above it kmalloc goes to the page allocator. */
export const KMALLOC_MAX_CACHE_SIZE = 8192;
/** `SIZE_MAX` of a 64-bit kernel. */
export const SIZE_MAX = 2 ** 64 - 1;

/** Size classes of the kmalloc caches (kmalloc-8 … kmalloc-8k). */
const CACHES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192];

/** `PAGE_SIZE`: the granule of kmalloc-large (page allocator) objects. */
const PAGE_SIZE = 4096;

/**
 * `kmalloc_size_roundup(size)`: the bytes a `size`-byte kmalloc really
 * occupies (what `ksize()` of it returns): its kmalloc cache's object size,
 * or above `KMALLOC_MAX_CACHE_SIZE` the power-of-two number of pages the page
 * allocator hands out (`PAGE_SIZE << get_order(size)`). 0 and sizes above
 * `KMALLOC_MAX_SIZE` come back unchanged, as in the kernel (kmalloc returns
 * ZERO_SIZE_PTR, or fails). Context: any. Throws TypeError for a size that is
 * not a `size_t`.
 */
export function kmallocSizeRoundup(size: number): number {
  checkSize('kmalloc_size_roundup', 'size', size);
  if (size === 0 || size > KMALLOC_MAX_SIZE) return size;
  if (size > KMALLOC_MAX_CACHE_SIZE) {
    let s = PAGE_SIZE;
    while (s < size) s *= 2;
    return s;
  }
  return CACHES.find((c) => c >= size) ?? KMALLOC_MAX_CACHE_SIZE;
}

/** The kmalloc cache a request of `size` bytes is served from. */
export function kmallocCacheName(size: number): string {
  if (size > KMALLOC_MAX_CACHE_SIZE) return 'kmalloc-large';
  const c = CACHES.find((s) => s >= size) ?? KMALLOC_MAX_CACHE_SIZE;
  return c >= 1024 ? `kmalloc-${c / 1024}k` : `kmalloc-${c}`;
}

/** Per-kernel allocator counters (what /proc/slabinfo would sum up). */
export interface SlabInfo {
  /** Objects allocated and not yet freed (kmalloc and devm). */
  live: number;
  allocs: number;
  frees: number;
  /** Allocations that failed (fault injection, too large, overflow). */
  failed: number;
  /** WARN_ON_ONCE for an order above MAX_PAGE_ORDER already printed. */
  warnedTooLarge: boolean;
}

const SLAB = new KernelLocal((): SlabInfo => ({ live: 0, allocs: 0, frees: 0, failed: 0, warnedTooLarge: false }));

/** The kernel's allocator counters. Context: any. */
export function slabInfo(k: Kernel): SlabInfo {
  checkKernel('slabInfo', k);
  return SLAB.get(k);
}

/**
 * `ZERO_SIZE_PTR`: what a zero-byte allocation returns. Not null, but any
 * access through it faults (a zero-length view: `RangeError`, in every
 * sanitizer mode, as the kernel oopses on address 16).
 */
export const ZERO_SIZE_PTR: KBuf = Object.freeze(new KBuf(null as unknown as Kernel, 0, 'zero', 'zero'));

/** `ZERO_OR_NULL_PTR()`. Context: any. */
export function ZERO_OR_NULL_PTR(p: KBuf | null | undefined): boolean {
  return p === null || p === undefined || p === ZERO_SIZE_PTR;
}

/**
 * @internal The common allocation path of kmalloc and devm_kmalloc: context
 * check, fault injection, size limit. Returns the new object or null.
 */
export function slabAlloc(k: Kernel, fn: string, size: number, gfp: number, origin: 'kmalloc' | 'devm'): KBuf | null {
  // might_alloc(): checked for every GFP_KERNEL call, blocking or not.
  if (gfpflagsAllowBlocking(gfp)) mightSleep(k, fn);
  const info = slabInfo(k);
  if (size > KMALLOC_MAX_SIZE) {
    if ((gfp & __GFP_NOWARN) === 0 && !info.warnedTooLarge) {
      info.warnedTooLarge = true;
      k.warn(fn, `${fn}(${size}): order above MAX_PAGE_ORDER (larger than KMALLOC_MAX_SIZE ${KMALLOC_MAX_SIZE})`);
    }
    info.failed++;
    return null;
  }
  if (k.allocFails()) {
    info.failed++;
    return null;
  }
  const b = new KBuf(k, size, kmallocCacheName(size), origin, undefined, kmallocSizeRoundup(size));
  if ((gfp & __GFP_ZERO) === 0) new Uint8Array(b.buffer).fill(POISON_INUSE);
  info.live++;
  info.allocs++;
  if (origin === 'kmalloc') kmemleakAlloc(b);
  if (k.tracing) k.trace(fn, `${b.cache} size=${size}`);
  return b;
}

/** @internal Frees a live object (poison, dead prototype, counters). */
export function slabFree(b: KBuf): void {
  const info = slabInfo(b.kernel);
  info.live--;
  info.frees++;
  kmemleakFree(b);
  b.kill();
}

/**
 * `kmalloc(size, gfp)`: `size` bytes of uninitialised memory (they read as
 * 0x5a). Context: may sleep with `GFP_KERNEL` (checked: `sleep-in-atomic`
 * from atomic context, the allocation then proceeds); any context with
 * `GFP_ATOMIC`/`GFP_NOWAIT`. Returns: the object, {@link ZERO_SIZE_PTR}
 * for size 0, or null on failure. Throws TypeError for a size or gfp that
 * is not a C `size_t`/`gfp_t`.
 */
export function kmalloc(k: Kernel, size: number, gfp: number): KBuf | null {
  checkKernel('kmalloc', k);
  checkSize('kmalloc', 'size', size);
  checkGfp('kmalloc', gfp);
  if (size === 0) {
    if (gfpflagsAllowBlocking(gfp)) mightSleep(k, 'kmalloc');
    return ZERO_SIZE_PTR;
  }
  return slabAlloc(k, 'kmalloc', size, gfp, 'kmalloc');
}

/** `kzalloc(size, gfp)`: {@link kmalloc} with `__GFP_ZERO`. Context, returns: as kmalloc. */
export function kzalloc(k: Kernel, size: number, gfp: number): KBuf | null {
  checkKernel('kzalloc', k);
  checkGfp('kzalloc', gfp);
  return kmalloc(k, size, gfp | __GFP_ZERO);
}

/**
 * `kmalloc_array(n, size, gfp)`: `n * size` bytes; null (no warning) when
 * the product overflows `size_t`. Context, returns: as kmalloc.
 */
export function kmallocArray(k: Kernel, n: number, size: number, gfp: number): KBuf | null {
  checkKernel('kmalloc_array', k);
  checkSize('kmalloc_array', 'n', n);
  checkSize('kmalloc_array', 'size', size);
  checkGfp('kmalloc_array', gfp);
  // check_mul_overflow(): in doubles the product is exact up to 2^53 and
  // certainly above SIZE_MAX when it rounds above it.
  if (n * size > SIZE_MAX) {
    slabInfo(k).failed++;
    return null;
  }
  return kmalloc(k, n * size, gfp);
}

/** `kcalloc(n, size, gfp)`: zeroed {@link kmallocArray}. Context, returns: as kmalloc. */
export function kcalloc(k: Kernel, n: number, size: number, gfp: number): KBuf | null {
  checkKernel('kcalloc', k);
  checkGfp('kcalloc', gfp);
  return kmallocArray(k, n, size, gfp | __GFP_ZERO);
}

/**
 * `ksize(p)`: the bytes the object really occupies, its size class
 * (`kmalloc(50)` lives in kmalloc-64: 64). Since Linux 6.2 ksize() only
 * reports: the bytes past the requested size stay out of bounds for KASAN
 * (a driver that wants them asks `krealloc` or `kmalloc_size_roundup`).
 * Context: any. Returns: the slot size; 0 for null and ZERO_SIZE_PTR, and
 * for a freed object after its `use-after-free` report (as
 * `kasan_check_byte()` failing).
 */
export function ksize(p: KBuf | null | undefined): number {
  if (ZERO_OR_NULL_PTR(p)) return 0;
  const b = p as KBuf;
  if (!isKBuf(b)) throw new TypeError(`ksize: p must be a pointer from kmalloc (KBuf or null), got ${String(p)}`);
  if (b.isFreed) {
    if (b.kernel.sanitizer.mode !== 'off') b.getU8(0); // kasan_check_byte(): the use-after-free report
    return 0;
  }
  return b.byteLength;
}

/**
 * `krealloc(p, newSize, gfp)`: resizes `p`, keeping `min(old, new)` bytes.
 * `p` null (or ZERO_SIZE_PTR) allocates; `newSize` 0 frees `p` and returns
 * ZERO_SIZE_PTR. When `newSize` fits the object's slot ({@link ksize}) the
 * object is resized in place and `p` itself returned (as `__do_krealloc`:
 * KASAN's tracked size becomes `newSize`; with `__GFP_ZERO` the bytes past
 * the old size are zeroed); otherwise a new object is allocated, the bytes
 * copied and `p` freed. On failure returns null and `p` stays valid. A
 * freed `p` is a `use-after-free` report and null (KASAN's
 * `kasan_check_byte`). Context: as kmalloc (in place too: GFP_KERNEL is
 * checked whether or not it would allocate).
 */
export function krealloc(k: Kernel, p: KBuf | null, newSize: number, gfp: number): KBuf | null {
  checkKernel('krealloc', k);
  checkSize('krealloc', 'new_size', newSize);
  checkGfp('krealloc', gfp);
  if (ZERO_OR_NULL_PTR(p)) return kmalloc(k, newSize, gfp);
  const old = p as KBuf;
  if (old.isFreed) {
    old.getU8(0); // the access KASAN checks: reports use-after-free (or oopses with the sanitizer off)
    return null;
  }
  if (newSize === 0) {
    kfree(k, old);
    return ZERO_SIZE_PTR;
  }
  if (isKBuf(old) && old.kernel === k && old.origin === 'kmalloc' && newSize <= old.byteLength) {
    if (gfpflagsAllowBlocking(gfp)) mightSleep(k, 'krealloc');
    if ((gfp & __GFP_ZERO) !== 0 && newSize > old.size) new Uint8Array(old.buffer, old.size).fill(0);
    old.size = newSize;
    if (k.tracing) k.trace('krealloc', `${old.cache} in place size=${newSize}`);
    return old;
  }
  const n = kmalloc(k, newSize, gfp);
  if (n === null || n === ZERO_SIZE_PTR) return n;
  const keep = Math.min(old.size, newSize);
  new Uint8Array(n.buffer).set(new Uint8Array(old.buffer, 0, keep));
  if ((gfp & __GFP_ZERO) !== 0) new Uint8Array(n.buffer, keep).fill(0);
  kfree(k, old);
  return n;
}

/**
 * `kfree(p)`: frees what {@link kmalloc} returned; null and ZERO_SIZE_PTR
 * are no-ops. A freed `p` is a `double-free` report, anything else not from
 * kmalloc (devres memory included) an `invalid-free` report; neither frees.
 * Context: any. Throws TypeError when `p` is not an object (not a pointer).
 */
export function kfree(k: Kernel, p: KBuf | null | undefined): void {
  checkKernel('kfree', k);
  if (ZERO_OR_NULL_PTR(p)) return;
  if (typeof p !== 'object') throw new TypeError(`kfree: p must be a pointer (KBuf or null), got ${String(p)}`);
  const b = p as KBuf;
  if (!isKBuf(b) || b.kernel !== k) {
    badFree(k, 'invalid-free', b, `kfree of an object that kmalloc did not return`);
    return;
  }
  if (b.isFreed) {
    if ((b.reported & REPORTED_DOUBLE_FREE) !== 0) return;
    b.reported |= REPORTED_DOUBLE_FREE;
    badFree(
      k,
      'double-free',
      b,
      `${b} freed twice; allocated by ${b.allocated.by}, first freed by ${b.freed?.by ?? '?'}`,
    );
    return;
  }
  if (b.origin !== 'kmalloc') {
    badFree(k, 'invalid-free', b, `kfree of ${ORIGIN_TEXT[b.origin]} memory`);
    return;
  }
  slabFree(b);
  if (k.tracing) k.trace('kfree', String(b));
}

const ORIGIN_TEXT = {
  kmalloc: 'kmalloc',
  devm: 'devres (devm_kmalloc; free it with devm_kfree)',
  dma: 'coherent DMA (free it with dma_free_coherent)',
  zero: 'ZERO_SIZE_PTR',
} as const;

function badFree(k: Kernel, kind: 'double-free' | 'invalid-free', b: KBuf, detail: string): void {
  const own = isKBuf(b);
  k.sanitizer.report({
    kind,
    title: `BUG: KASAN: ${kind} in kfree`,
    resource: own ? kbufResource(b) : 'kfree',
    detail,
    stacks: own && b.kernel === k ? kbufStacks(b) : k.stack(),
  });
  k.trace(kind, detail);
}
