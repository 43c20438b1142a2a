/**
 * A fenced MMIO handle: the hot path of the fenced discipline.
 *
 * A `FencedView` *is* a `DataView` on the mapped memory (a subclass), so a
 * read through it is a `DataView` read with no extra load and no check. At
 * release the handle's prototype is swapped for a "dead" prototype that
 * shadows every declared accessor with a trap: a stale access then fails at
 * the method lookup the call already performs (V8's map check), so the live
 * hot path pays nothing.
 *
 * Which methods trap, and how a stale call is reported (read or write, its
 * size, which argument is the offset), is an explicit accessor table, not a
 * guess from method names: DataView's own accessors here
 * ({@link DATA_VIEW_ACCESSORS}), `readb`…`writeq` on `FencedView`, and each
 * subclass declares the accessors it adds in its own `static accessors`
 * (pci-emu's `IoMem` declares its checked forms). Methods not in a table
 * are not trapped: they run, and the accessors they call trap.
 *
 * The dead prototype sits *below* the live one (its prototype is the live
 * class's), so a released handle still satisfies `instanceof DataView` and
 * `instanceof` its class, and reports `byteLength` and `length` 0. Live
 * handles never see it: only dead objects change shape.
 *
 * Measured on Node 20 (docs/fenced-handles.md has the table):
 * - composition (`this.view.getUint32`, with the field swapped to a
 *   zero-length `DataView` at release) costs ~1.2× raw, from the extra load
 *   and from the field no longer being constant;
 * - detaching the `ArrayBuffer` invalidates an isolate-wide protector and
 *   slows every typed-array access by ~20%: never done here;
 * - resizable-buffer-backed views (shrink to 0 at release) cost ~8× raw;
 * - the prototype swap of *dead* handles leaves live ones at ~1.00× raw.
 *
 * With the sanitizer on, a live handle also checks the offset of every
 * `readb`…`writeq` (mmio-check.ts): a non-integer, negative, misaligned or
 * past-the-end offset is an `invalid-mmio` report, and the access is not
 * made. With it off a live access is the bare `DataView` access: past the
 * end a `RangeError` (an oops), misaligned or fractional as DataView does.
 *
 * In sanitizer `report`/`panic` mode a stale access becomes a
 * `use-after-remove` report with the access, acquisition and release stacks;
 * a read then returns all ones (as a read from a gone device does) and a write
 * is dropped. With the sanitizer `off` the trap throws a `RangeError`: an
 * oops, as a real use after `iounmap` is.
 */

import { countMmio } from '../census/counting.js';
import { checkKernel } from '../kernel/check-kernel.js';
import type { Kernel } from '../kernel/kernel.js';
import { captureStack } from '../sanitizer/sanitizer.js';
import { checkMmioOffsets } from './mmio-check.js';

const ONES64 = 0xffff_ffff_ffff_ffffn;

/** How a stale call of one accessor is reported, and what a stale read returns. */
export interface AccessorSpec {
  /** Access size in bytes. */
  readonly size: 1 | 2 | 4 | 8;
  readonly access: 'read' | 'write';
  /** Index of the offset argument: 0 for `getUint32(off)`, `setUint32(off, v)`; 1 for `writel(v, off)`. */
  readonly offsetArg: number;
  /** What a stale read returns (all ones of the type). Default: all ones unsigned, a bigint for size 8. */
  readonly ones?: number | bigint;
}

/** Accessor name → {@link AccessorSpec}: what a class declares in its `static accessors`. */
export type AccessorTable = Readonly<Record<string, AccessorSpec>>;

/** An all-ones window, read once per DataView accessor for its stale-read value. */
const ONES_VIEW = new DataView(new Uint8Array(8).fill(0xff).buffer);

function dataViewPair(type: string, size: 1 | 2 | 4 | 8): Record<string, AccessorSpec> {
  const get = `get${type}`;
  // `as`: DataView's getters are looked up by name (`getUint32`...); each takes (offset, littleEndian).
  const ones = (ONES_VIEW as unknown as Record<string, (o: number, le: boolean) => number | bigint>)[get]?.call(
    ONES_VIEW,
    0,
    true,
  );
  return {
    [get]: { size, access: 'read', offsetArg: 0, ...(ones === undefined ? {} : { ones }) },
    [`set${type}`]: { size, access: 'write', offsetArg: 0 },
  };
}

/** DataView's own accessors: every one traps on a released handle (the base of every table). */
export const DATA_VIEW_ACCESSORS: AccessorTable = Object.freeze({
  ...dataViewPair('Int8', 1),
  ...dataViewPair('Uint8', 1),
  ...dataViewPair('Int16', 2),
  ...dataViewPair('Uint16', 2),
  ...dataViewPair('Int32', 4),
  ...dataViewPair('Uint32', 4),
  ...dataViewPair('Float32', 4),
  ...dataViewPair('Float64', 8),
  ...dataViewPair('BigInt64', 8),
  ...dataViewPair('BigUint64', 8),
});

export class FencedView extends DataView<ArrayBufferLike> {
  /**
   * The accessors this class adds (a subclass declares its own in its own
   * `static accessors`; tables merge along the class chain, over
   * {@link DATA_VIEW_ACCESSORS}). `writeX(v, off)` takes the offset second.
   */
  static readonly accessors: AccessorTable = Object.freeze({
    readb: { size: 1, access: 'read', offsetArg: 0 },
    readw: { size: 2, access: 'read', offsetArg: 0 },
    readl: { size: 4, access: 'read', offsetArg: 0 },
    readq: { size: 8, access: 'read', offsetArg: 0 },
    writeb: { size: 1, access: 'write', offsetArg: 1 },
    writew: { size: 2, access: 'write', offsetArg: 1 },
    writel: { size: 4, access: 'write', offsetArg: 1 },
    writeq: { size: 8, access: 'write', offsetArg: 1 },
  });

  /** Set at release (only read on cold paths). */
  releasedStack: string | undefined = undefined;
  readonly acquiredStack: string | undefined;

  constructor(
    readonly kernel: Kernel,
    /** `edu BAR0`, for reports. */
    readonly name: string,
    /** The mapped window: the handle covers exactly `view`'s bytes. */
    view: DataView,
  ) {
    checkKernel('FencedView.new', kernel, 'kernel');
    super(view.buffer, view.byteOffset, view.byteLength);
    this.acquiredStack = captureStack(kernel.sanitizer.mode, 3);
    // Sanitizer kernels only: the offset checks (mmio-check.ts), below the census's counting layer.
    if (kernel.sanitizer.mode !== 'off') checkMmioOffsets(this, FencedView.accessors);
    if (kernel.census !== null) countMmio(this);
  }

  /** This handle as a plain `DataView` (kept for subclasses that write through it). */
  protected get view(): DataView {
    return this;
  }

  /** Mapped length in bytes. */
  get length(): number {
    return this.byteLength;
  }

  /** False while live; the dead prototype answers true. */
  get isReleased(): boolean {
    return false;
  }

  /** `readb()`. Offset validated by the caller (at map time). Context: any. */
  readb(off: number): number {
    return this.getUint8(off);
  }

  /** `readw()`, little-endian. Context: any. */
  readw(off: number): number {
    return this.getUint16(off, true);
  }

  /** `readl()`, little-endian. Context: any. */
  readl(off: number): number {
    return this.getUint32(off, true);
  }

  /** `readq()`, little-endian, as a bigint. Context: any. */
  readq(off: number): bigint {
    return this.getBigUint64(off, true);
  }

  /** `writeb()`. Context: any. */
  writeb(v: number, off: number): void {
    this.setUint8(off, v);
  }

  /** `writew()`, little-endian. Context: any. */
  writew(v: number, off: number): void {
    this.setUint16(off, v, true);
  }

  /** `writel()`, little-endian. Context: any. */
  writel(v: number, off: number): void {
    this.setUint32(off, v, true);
  }

  /** `writeq()`, little-endian. Context: any. */
  writeq(v: bigint, off: number): void {
    this.setBigUint64(off, v, true);
  }

  /**
   * Kills the handle: every later access traps (see the file comment). A
   * second release is a `double-release` report (answered by the dead
   * prototype). Context: atomic.
   */
  release(): void {
    this.releasedStack = captureStack(this.kernel.sanitizer.mode, 2);
    // `as`: a class instance's prototype is an object, never null.
    Object.setPrototypeOf(this, deadPrototypeOf(Object.getPrototypeOf(this) as object));
    this.kernel.trace('release', this.name);
  }
}

/** Dead prototypes, one per live class, made on first release. */
const deadPrototypes = new WeakMap<object, object>();

/** The merged accessor table of `liveProto`'s class: DataView's, then each class's own, base first. */
export function accessorTableOf(liveProto: object): AccessorTable {
  const chain: AccessorTable[] = [];
  for (
    // `as`: reading `constructor` off a prototype; the loop checks it is a function before use.
    let c = (liveProto as { constructor?: unknown }).constructor;
    typeof c === 'function' && c !== DataView;
    c = Object.getPrototypeOf(c) as unknown
  ) {
    // `as`: hasOwn just said the class declares `static accessors`, which is an AccessorTable by contract.
    if (Object.hasOwn(c, 'accessors')) chain.push((c as unknown as { accessors: AccessorTable }).accessors);
  }
  // `as`: Object.assign over spread tables is typed any-ish; every input is an AccessorTable.
  return Object.assign({}, DATA_VIEW_ACCESSORS, ...chain.reverse()) as AccessorTable;
}

function staleValue(spec: AccessorSpec): number | bigint {
  if (spec.ones !== undefined) return spec.ones;
  return spec.size === 8 ? ONES64 : 2 ** (8 * spec.size) - 1;
}

function deadPrototypeOf(liveProto: object): object {
  const cached = deadPrototypes.get(liveProto);
  if (cached !== undefined) return cached;
  // Below the live prototype: instanceof holds, undeclared methods still run.
  // `as`: Object.create returns any; only properties are defined on it below.
  const dead = Object.create(liveProto) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(accessorTableOf(liveProto))) {
    const write = spec.access === 'write';
    const value = write ? undefined : staleValue(spec);
    const offArg = spec.offsetArg;
    Object.defineProperty(dead, name, {
      value: function (this: FencedView, ...args: unknown[]): unknown {
        // `as`: narrowed by the typeof check (TS does not narrow an indexed access).
        const off = typeof args[offArg] === 'number' ? (args[offArg] as number) : 0;
        reportStale(this, 'use-after-remove', name, off, write, spec.size);
        return value;
      },
    });
  }
  Object.defineProperty(dead, 'release', {
    value: function (this: FencedView): void {
      reportStale(this, 'double-release', 'release', 0, false);
    },
  });
  Object.defineProperty(dead, 'isReleased', { get: () => true });
  Object.defineProperty(dead, 'length', { get: () => 0 });
  Object.defineProperty(dead, 'byteLength', { get: () => 0 });
  deadPrototypes.set(liveProto, dead);
  return dead;
}

function reportStale(
  h: FencedView,
  kind: 'use-after-remove' | 'double-release',
  method: string,
  off: number,
  write: boolean,
  size = 4,
): void {
  const k = h.kernel;
  if (k.sanitizer.mode === 'off') {
    throw new RangeError(`${h.name}: ${method}() on a released mapping (use after remove)`);
  }
  const stacks: { access?: string; acquired?: string; released?: string } = { ...k.stack() };
  if (h.acquiredStack !== undefined) stacks.acquired = h.acquiredStack;
  if (h.releasedStack !== undefined) stacks.released = h.releasedStack;
  if (kind === 'double-release') {
    k.sanitizer.report({
      kind,
      title: `BUG: KASAN: double-free of ${h.name}`,
      resource: h.name,
      detail: `${h.name} was already released`,
      stacks,
    });
    return;
  }
  k.sanitizer.report({
    kind,
    title: `BUG: KASAN: use-after-remove in ${method}`,
    resource: h.name,
    detail: `${write ? 'Write' : 'Read'} of size ${size} at offset 0x${off.toString(16)} of ${h.name}, released at unbind`,
    stacks,
  });
}
