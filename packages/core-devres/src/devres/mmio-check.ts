/**
 * Offset checks on the MMIO accessors of a fenced handle, installed only on
 * handles made by a kernel whose sanitizer is on (docs/validation.md,
 * "MMIO offsets").
 *
 * A C driver's `readl(base + off)` has no check: an offset past the
 * mapping reads whatever lies beyond (or faults), a misaligned one tears or
 * faults depending on the architecture. quiesce's unchecked accessors keep
 * that cost model: with the sanitizer `off` they are the class's own
 * `DataView` reads, untouched. With it on, the handle's prototype becomes a
 * checking prototype (below the class's, as the census's counting prototype
 * and the dead prototype of a released handle are), whose `readb`…`writeq`
 * test the offset first: a non-integer, negative, misaligned or past-the-end
 * offset is an `invalid-mmio` report naming the accessor, the mapping (its
 * name carries the BAR), the offset and the width. The access is then not
 * made: a read returns all ones (what a read that reaches no device returns
 * on PCI), a write is dropped, and the device model never sees the offset.
 * A written value C could not hold (NaN, a string, a number for `writeq`)
 * is a `TypeError` naming the accessor.
 * A live handle of a sanitizer-off kernel never has this prototype, so its
 * hot path has no added instruction.
 */
import type { Kernel } from '../kernel/kernel.js';
import { badArg } from '../kernel/validate.js';
import type { AccessorSpec, AccessorTable } from './fenced-view.js';

/** What the checking accessors need of the handle. */
interface MmioHandle {
  readonly kernel: Kernel;
  readonly name: string;
  readonly byteLength: number;
}

/** The mapped length, cached on a checked handle (a field load; `byteLength` is a getter call). */
const MAP_LEN = Symbol('mmio map length');

interface CheckedHandle extends MmioHandle {
  [MAP_LEN]: number;
}

/** Checking prototypes, one per live prototype, made on first use. */
const checkingPrototypes = new WeakMap<object, object>();

const ONES64 = 0xffff_ffff_ffff_ffffn;

/** Why `off` is not a valid offset for a `size`-byte access in `len` bytes, or null when it is. */
export function mmioOffsetProblem(off: unknown, size: number, len: number): string | null {
  if (typeof off !== 'number') return 'the offset is not a number';
  if (!Number.isInteger(off)) return 'the offset is not an integer';
  if (off < 0) return 'the offset is negative';
  if (off + size > len) return `the access ends past the ${len}-byte mapping`;
  if ((off & (size - 1)) !== 0) return `the offset is not ${size}-byte aligned`;
  return null;
}

function showOffset(off: unknown): string {
  if (typeof off === 'number' && Number.isInteger(off) && off >= 0) return `0x${off.toString(16)}`;
  return typeof off === 'string' ? JSON.stringify(off) : String(off);
}

/** Files the report for a bad access; returns what the access then yields. */
function badAccess(h: MmioHandle, method: string, spec: AccessorSpec, off: unknown): number | bigint | undefined {
  const problem = mmioOffsetProblem(off, spec.size, h.byteLength) ?? 'invalid';
  const write = spec.access === 'write';
  h.kernel.sanitizer.report({
    kind: 'invalid-mmio',
    title: `BUG: invalid MMIO access in ${method}`,
    resource: h.name,
    detail: `${write ? 'Write' : 'Read'} of size ${spec.size} at offset ${showOffset(off)} of ${h.name}: ${problem}; ${write ? 'the write is dropped' : 'the read returns all ones'}`,
    stacks: h.kernel.stack(),
  });
  if (write) return undefined;
  return spec.size === 8 ? ONES64 : 2 ** (8 * spec.size) - 1;
}

/**
 * A written value C's `u8`…`u64` can hold: an integer for 1..4 bytes (a
 * wider one is truncated, as C converts it), a bigint for 8. NaN, a string
 * or a number for `writeq` cannot be written in C: a `TypeError`.
 */
function checkValue(method: string, size: number, v: unknown): void {
  if (size === 8 ? typeof v !== 'bigint' : !Number.isSafeInteger(v))
    throw badArg(method, 'value', size === 8 ? 'a bigint' : 'an integer', v);
}

function checkingPrototypeOf(live: object, accessors: AccessorTable): object {
  const cached = checkingPrototypes.get(live);
  if (cached !== undefined) return cached;
  const proto = Object.create(live) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(accessors)) {
    // `as`: the accessor table names methods of the handle's class by contract.
    const fn = (live as Record<string, (a: unknown, b: unknown) => unknown>)[name];
    if (typeof fn !== 'function') continue;
    const { size, offsetArg } = spec;
    const mask = size - 1;
    // One wrapper shape per access kind: a read takes (off), a write (v, off) or (off, v).
    if (spec.access === 'read') {
      proto[name] = function (this: CheckedHandle, off: unknown): unknown {
        // The fast test: a number, an unsigned 32-bit integer, aligned, inside the mapping.
        if (typeof off !== 'number' || off >>> 0 !== off || (off & mask) !== 0 || off + size > this[MAP_LEN])
          return badAccess(this, name, spec, off);
        return fn.call(this, off, undefined);
      };
    } else {
      const valueFirst = offsetArg === 1;
      proto[name] = function (this: CheckedHandle, a: unknown, b: unknown): unknown {
        const off = valueFirst ? b : a;
        checkValue(name, size, valueFirst ? a : b);
        if (typeof off !== 'number' || off >>> 0 !== off || (off & mask) !== 0 || off + size > this[MAP_LEN])
          return badAccess(this, name, spec, off);
        return fn.call(this, a, b);
      };
    }
  }
  checkingPrototypes.set(live, proto);
  return proto;
}

/**
 * Makes `handle` (a fenced handle just constructed by a sanitizer-on
 * kernel) check the offset of every accessor in `accessors` (the kernel's
 * `readb`…`writeq`, not the `DataView` getters they call). Context: any.
 * Mirrors nothing in the kernel: a sanitizer's check, as KASAN's on memory.
 */
export function checkMmioOffsets(handle: MmioHandle, accessors: AccessorTable): void {
  (handle as CheckedHandle)[MAP_LEN] = handle.byteLength;
  Object.setPrototypeOf(handle, checkingPrototypeOf(Object.getPrototypeOf(handle) as object, accessors));
}
