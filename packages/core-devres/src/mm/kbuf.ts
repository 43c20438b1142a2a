/**
 * `KBuf`: the object `kmalloc` returns, a handle over the bytes of one slab
 * object (docs/design.md §4, the fenced-handle rule).
 *
 * A `KBuf` *is* a `DataView` over its own `ArrayBuffer`, so a live access is
 * a `DataView` access: no flag, no check. At free the handle's prototype is
 * swapped for a dead one whose every accessor traps (the same trick as the
 * core `FencedView`); the `ArrayBuffer` is never detached. The freed bytes
 * are poisoned with 0x6b (`POISON_FREE`, as slub_debug does); fresh
 * `kmalloc` memory holds 0x5a (`POISON_INUSE`) so code that forgets to
 * initialise reads garbage, not zeros.
 *
 * A stale access in sanitizer `report`/`panic` mode is KASAN's
 * `use-after-free` with the allocation, free and access stacks, once per
 * object; then, as KASAN does, the access goes through (it reads the
 * poison). With the sanitizer `off` the trap is a `RangeError`: an oops.
 */
import { checkKernel } from '../kernel/check-kernel.js';
import type { Kernel } from '../kernel/kernel.js';
import { captureStack } from '../sanitizer/sanitizer.js';

/** Byte written over freed memory (`POISON_FREE`). */
export const POISON_FREE = 0x6b;
/** Byte in fresh, uninitialised kmalloc memory (`POISON_INUSE`). */
export const POISON_INUSE = 0x5a;

/** Who and where, for the KASAN "Allocated by" / "Freed by" lines. */
interface Origin {
  stack: string | undefined;
  by: string;
  /** Virtual time (ns) of the allocation or free. */
  at: number;
}

/** Where an object's memory came from. */
export type KBufOrigin = 'kmalloc' | 'devm' | 'dma' | 'zero';

/** Every KBuf ever made: `instanceof` fails once the prototype is dead. */
const brand = new WeakSet<object>();

/** True when `x` is a {@link KBuf}, live or freed. Context: any. */
export function isKBuf(x: unknown): x is KBuf {
  return typeof x === 'object' && x !== null && brand.has(x);
}

export class KBuf extends DataView<ArrayBuffer> {
  /**
   * Requested size in bytes: what KASAN tracks (an access past it is
   * `slab-out-of-bounds` on sanitizer kernels). The view itself spans the
   * whole slot of the size class (`ksize()`), so an in-place `krealloc`
   * can grow it; only `krealloc` changes it.
   */
  size: number;
  /** The kmalloc cache it came from (`kmalloc-64`), or `kmalloc-large`. */
  readonly cache: string;
  /** `kmalloc`, `devm` (devres memory) or `dma` (a coherent DMA buffer), for invalid-free checks. */
  readonly origin: KBufOrigin;
  /** @internal Allocation site. */
  readonly allocated: Origin;
  /** @internal Free site, set at free (read on cold paths only). */
  freed: Origin | null = null;
  /** @internal Reports already filed for this object (KASAN reports each bug once). */
  reported = 0;

  /**
   * Allocators create these (`kmalloc`, `devm_kmalloc`, and in pci-emu
   * `dma_alloc_coherent`). `backing`, when given, is the window of memory the
   * object covers (a DMA buffer in system RAM); else it gets its own bytes,
   * `slot` of them (the size class, at least `size`).
   *
   * On a sanitizer kernel a slab object (kmalloc, devm) gets the checked
   * prototype, whose accessors compare the offset with `size` (KASAN's
   * shadow check); with the sanitizer off the prototype is KBuf's own and an
   * access costs what a DataView access costs.
   */
  constructor(
    readonly kernel: Kernel,
    size: number,
    cache: string,
    origin: KBufOrigin,
    backing?: Uint8Array<ArrayBuffer>,
    slot = size,
  ) {
    // ZERO_SIZE_PTR (origin 'zero') belongs to no kernel.
    if (origin !== 'zero') checkKernel('KBuf.new', kernel, 'kernel');
    if (backing !== undefined && backing.length !== size)
      throw new RangeError(`KBuf: backing is ${backing.length} bytes, size ${size}`);
    if (slot < size) throw new RangeError(`KBuf: slot ${slot} is smaller than size ${size}`);
    super(backing?.buffer ?? new ArrayBuffer(slot), backing?.byteOffset ?? 0, backing === undefined ? slot : size);
    this.size = size;
    this.cache = cache;
    this.origin = origin;
    this.allocated = origin === 'zero' ? { stack: undefined, by: 'none', at: 0 } : originHere(kernel);
    brand.add(this);
    if ((origin === 'kmalloc' || origin === 'devm') && kernel.sanitizer.mode !== 'off') {
      Object.setPrototypeOf(this, checkedPrototype());
    }
  }

  /** False while live; the dead prototype answers true. */
  get isFreed(): boolean {
    return false;
  }

  /** u8 at `off`. Context: any. */
  getU8(off: number): number {
    return this.getUint8(off);
  }

  /** Little-endian u16 at `off` (x86's byte order). Context: any. */
  getU16(off: number): number {
    return this.getUint16(off, true);
  }

  /** Little-endian u32 at `off`. Context: any. */
  getU32(off: number): number {
    return this.getUint32(off, true);
  }

  /** Little-endian u64 at `off`, as a bigint. Context: any. */
  getU64(off: number): bigint {
    return this.getBigUint64(off, true);
  }

  /** Stores u8 `v` at `off`. Context: any. */
  setU8(off: number, v: number): void {
    this.setUint8(off, v);
  }

  /** Stores little-endian u16 `v` at `off`. Context: any. */
  setU16(off: number, v: number): void {
    this.setUint16(off, v, true);
  }

  /** Stores little-endian u32 `v` at `off`. Context: any. */
  setU32(off: number, v: number): void {
    this.setUint32(off, v, true);
  }

  /** Stores little-endian u64 `v` at `off`. Context: any. */
  setU64(off: number, v: bigint): void {
    this.setBigUint64(off, v, true);
  }

  /**
   * `memset(p + off, byte, len)`. Past the requested size: a
   * `slab-out-of-bounds` report on sanitizer kernels (the bytes inside the
   * slot are still written, as KASAN lets the access through); outside the
   * slot a RangeError. Context: any.
   */
  memset(byte: number, off = 0, len = this.size - off): void {
    blockCheck(this, 'memset', off, len, true);
    bytesOf(this, off, len).fill(byte);
  }

  /** `memcpy(p + off, src, src.length)`. Bounds as {@link KBuf.memset}. Context: any. */
  memcpyFrom(src: Uint8Array, off = 0): void {
    blockCheck(this, 'memcpyFrom', off, src.length, true);
    bytesOf(this, off, src.length).set(src);
  }

  /** A copy of `[off, off + len)` (`memcpy(dst, p + off, len)`). Bounds as {@link KBuf.memset}. Context: any. */
  memcpyTo(off = 0, len = this.size - off): Uint8Array {
    blockCheck(this, 'memcpyTo', off, len, false);
    return bytesOf(this, off, len).slice();
  }

  /** Frees the object (allocators in other packages call it): poison, record the free site, swap in the dead prototype. */
  kill(): void {
    new Uint8Array(this.buffer, this.byteOffset, this.byteLength).fill(POISON_FREE);
    this.freed = originHere(this.kernel);
    Object.setPrototypeOf(this, deadPrototype());
  }

  override toString(): string {
    return `${this.cache} object (${this.size} bytes)`;
  }
}

function bytesOf(b: KBuf, off: number, len: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + off, len);
}

/** Bounds of a block operation: outside the slot throws; past the requested size reports (sanitizer kernels). */
function blockCheck(b: KBuf, method: string, off: number, len: number, write: boolean): void {
  if (off < 0 || len < 0 || off + len > b.byteLength)
    throw new RangeError(`${method}: [${off}, ${off + len}) outside ${b.size} bytes`);
  if (off + len > b.size && b.kernel !== null && b.kernel.sanitizer.mode !== 'off' && !b.isFreed)
    reportOutOfBounds(b, method, off, len, write);
}

function originHere(k: Kernel): Origin {
  const c = k.contextInfo();
  const by = c.kind === 'task' ? `task ${c.name}/${c.pid}` : c.kind === 'none' ? 'kernel' : `${c.kind} ${c.name}`;
  return { stack: captureStack(k.sanitizer.mode, 4), by, at: k.now };
}

let dead: object | null = null;

/** Access size from a method name (`getU32`, `setUint8`, …); 0 for the block operations. */
function accessSize(name: string): number {
  if (/(U|Uint|Int)8$/.test(name)) return 1;
  if (/(U|Uint|Int|Float)16$/.test(name)) return 2;
  if (/(U|Uint|Int|Float)32$/.test(name)) return 4;
  if (/(U|Uint|Int|Float)64$/.test(name)) return 8;
  return 0;
}

/** The dead prototype shared by every freed KBuf. */
function deadPrototype(): object {
  if (dead !== null) return dead;
  const d: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const live = KBuf.prototype as unknown as Record<string, unknown>;
  for (const proto of [DataView.prototype, KBuf.prototype] as object[]) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const desc = Object.getOwnPropertyDescriptor(proto, name);
      if (name === 'constructor' || desc === undefined || typeof desc.value !== 'function') continue;
      if (name === 'kill' || name === 'toString') {
        d[name] = desc.value;
        continue;
      }
      const write = /^(set|memset|memcpyFrom)/.test(name);
      const size = accessSize(name);
      const real = (live[name] ?? desc.value) as (...a: unknown[]) => unknown;
      d[name] = function (this: KBuf, ...args: unknown[]): unknown {
        const off =
          typeof args[name === 'memset' ? 1 : 0] === 'number' ? (args[name === 'memset' ? 1 : 0] as number) : 0;
        reportUseAfterFree(this, name, off, size, write);
        return real.apply(this, args);
      };
    }
  }
  Object.defineProperty(d, 'isFreed', { get: () => true });
  // The native getters read internal slots, so they keep working on the dead
  // object (the access itself is what reports).
  for (const g of ['buffer', 'byteLength', 'byteOffset']) {
    Object.defineProperty(d, g, Object.getOwnPropertyDescriptor(DataView.prototype, g) as PropertyDescriptor);
  }
  Object.defineProperty(d, 'constructor', { value: KBuf });
  dead = d;
  return d;
}

let checked: object | null = null;

/**
 * The live prototype of slab objects on sanitizer kernels: each DataView
 * accessor first compares `[off, off + size)` with the object's requested
 * size. Past it, a `slab-out-of-bounds` report (once per object); the access
 * then goes through when it stays inside the slot (KASAN reports and lets it
 * happen), and is dropped (reads give 0) when it leaves the slot, where the
 * kernel would touch the next object. KBuf's own accessors (`getU32`…) call
 * these, so each access is checked once.
 */
function checkedPrototype(): object {
  if (checked !== null) return checked;
  const c = Object.create(KBuf.prototype) as Record<string, unknown>;
  const dv = DataView.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of Object.getOwnPropertyNames(DataView.prototype)) {
    const size = accessSize(name);
    if (size === 0 || !/^(get|set)/.test(name)) continue;
    const write = name.startsWith('set');
    const real = dv[name] as (...a: unknown[]) => unknown;
    const big = name.includes('Big');
    c[name] = function (this: KBuf, off: number, ...rest: unknown[]): unknown {
      if (off + size > this.size || off < 0) {
        reportOutOfBounds(this, name, off, size, write);
        if (off < 0 || off + size > this.byteLength) return write ? undefined : big ? 0n : 0;
      }
      return real.call(this, off, ...rest);
    };
  }
  checked = c;
  return c;
}

/** Bit in `KBuf.reported` for a slab-out-of-bounds report. */
export const REPORTED_OOB = 4;
/** Bit in `KBuf.reported` once kmemleak has listed the object. */
export const REPORTED_LEAK = 8;

function reportOutOfBounds(b: KBuf, method: string, off: number, size: number, write: boolean): void {
  if ((b.reported & REPORTED_OOB) !== 0) return;
  b.reported |= REPORTED_OOB;
  const k = b.kernel;
  const what = `${write ? 'Write' : 'Read'} of size ${size}`;
  k.sanitizer.report({
    kind: 'slab-out-of-bounds',
    title: `BUG: KASAN: slab-out-of-bounds in ${method}`,
    resource: kbufResource(b),
    detail: `${what} at offset 0x${off.toString(16)} of a ${b.size}-byte region (cache ${b.cache}, ${b.byteLength}-byte slot); allocated by ${b.allocated.by}`,
    stacks: kbufStacks(b),
  });
  k.trace('slab-out-of-bounds', `${b} ${method} +${off}`);
}

/** The three KASAN stacks of an object: access (now), allocation, free. */
export function kbufStacks(b: KBuf): { access?: string; acquired?: string; released?: string } {
  const s: { access?: string; acquired?: string; released?: string } = { ...b.kernel.stack() };
  if (b.allocated.stack !== undefined) s.acquired = b.allocated.stack;
  if (b.freed?.stack !== undefined) s.released = b.freed.stack;
  return s;
}

/** Bit in `KBuf.reported` per kind, so each object reports each bug once. */
export const REPORTED_UAF = 1;
export const REPORTED_DOUBLE_FREE = 2;

/** The resource name of an object in reports (the dedupe key's second half). */
export function kbufResource(b: KBuf): string {
  return b.origin === 'devm' ? `devm ${b.cache}` : b.cache;
}

function reportUseAfterFree(b: KBuf, method: string, off: number, size: number, write: boolean): void {
  const k = b.kernel;
  if (k.sanitizer.mode === 'off') {
    throw new RangeError(`${b}: ${method}() on freed memory (use after free)`);
  }
  if ((b.reported & REPORTED_UAF) !== 0) return;
  b.reported |= REPORTED_UAF;
  const what = size > 0 ? `${write ? 'Write' : 'Read'} of size ${size}` : `${write ? 'Write' : 'Read'} (${method})`;
  k.sanitizer.report({
    kind: 'use-after-free',
    title: `BUG: KASAN: ${b.origin !== 'dma' && b.cache !== 'kmalloc-large' ? 'slab-' : ''}use-after-free in ${method}`,
    resource: kbufResource(b),
    detail: `${what} at offset 0x${off.toString(16)} of a freed ${b.size}-byte region (cache ${b.cache}); allocated by ${b.allocated.by}, freed by ${b.freed?.by ?? '?'}`,
    stacks: kbufStacks(b),
  });
  k.trace('use-after-free', `${b} ${method}`);
}
