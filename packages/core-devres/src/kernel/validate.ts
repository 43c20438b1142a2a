/**
 * Argument validation at the public API boundary, in one style for every
 * package (docs/validation.md). A check runs first in the function it guards,
 * before any state changes, so a rejected call leaves the world as it was.
 *
 * - Where C's types make the input impossible (NaN, ±Infinity or a fraction
 *   for an integer, a string for a number, a non-function for a callback),
 *   the check throws a `TypeError` naming the function, the argument and the
 *   value: `queue_work_on: cpu must be an integer ≥ -1, got -5`.
 * - Where the kernel has an answer, the caller gives it (a `KernelError`
 *   with its errno, or a `warn` report); these helpers only classify.
 */

/** `KTIME_MAX`: the largest ktime_t (C's S64_MAX ns), stood in for by 2^53 - 1 (see jiffies.ts). */
export const KTIME_MAX = Number.MAX_SAFE_INTEGER;

/** Prints a value for a message: strings quoted, functions by name, objects by constructor. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (v !== null && typeof v === 'object') return `[object ${v.constructor?.name ?? 'Object'}]`;
  return String(v);
}

/** A `TypeError` naming the function, the argument, what it must be and the value. */
export function badArg(fnName: string, argName: string, must: string, v: unknown): TypeError {
  return new TypeError(`${fnName}: ${argName} must be ${must}, got ${showValue(v)}`);
}

/** Throws unless `v` is a function (a callback registered now, called later). Context: any. */
export function checkFn(fnName: string, argName: string, v: unknown): asserts v is (...a: never[]) => unknown {
  if (typeof v !== 'function') throw badArg(fnName, argName, 'a function', v);
}

/** Throws unless `v` is a function, `null` or `undefined` (an optional callback). Context: any. */
export function checkOptFn(fnName: string, argName: string, v: unknown): void {
  if (v !== null && v !== undefined && typeof v !== 'function') throw badArg(fnName, argName, 'a function or null', v);
}

/** Throws unless `v` is a (safe) integer. Context: any. */
export function checkInt(fnName: string, argName: string, v: unknown): asserts v is number {
  if (!Number.isSafeInteger(v)) throw badArg(fnName, argName, 'an integer', v);
}

/** Throws unless `v` is an integer in `[min, max]`. Context: any. */
export function checkIntRange(
  fnName: string,
  argName: string,
  v: unknown,
  min: number,
  max: number,
): asserts v is number {
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max)
    throw badArg(fnName, argName, `an integer in [${min}, ${max}]`, v);
}

/** Throws unless `v` fits C's `unsigned int`. Context: any. */
export function checkU32(fnName: string, argName: string, v: unknown): asserts v is number {
  checkIntRange(fnName, argName, v, 0, 0xffff_ffff);
}

/** Throws unless `v` fits C's `int`. Context: any. */
export function checkS32(fnName: string, argName: string, v: unknown): asserts v is number {
  checkIntRange(fnName, argName, v, -0x8000_0000, 0x7fff_ffff);
}

/** Throws unless `v` is a finite number of nanoseconds (a ktime_t: NaN and ±Infinity do not exist). Context: any. */
export function checkNs(fnName: string, argName: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badArg(fnName, argName, 'a finite number of ns', v);
}

/** Throws unless `v` is a finite number of ns ≥ 0 (a delay; unsigned long in C). Context: any. */
export function checkDelayNs(fnName: string, argName: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw badArg(fnName, argName, 'a finite delay ≥ 0 ns', v);
}

/** Throws unless `v` is an integer index in `[0, len)`. Context: any. */
export function checkIndex(fnName: string, argName: string, v: unknown, len: number): asserts v is number {
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) >= len)
    throw badArg(fnName, argName, `an index in [0, ${len})`, v);
}

/** Throws unless `v` is a string. Context: any. */
export function checkString(fnName: string, argName: string, v: unknown): asserts v is string {
  if (typeof v !== 'string') throw badArg(fnName, argName, 'a string', v);
}

/** Throws unless `v` is a non-null object (a C pointer the kernel dereferences at once). Context: any. */
export function checkObject(fnName: string, argName: string, v: unknown): asserts v is object {
  if (v === null || v === undefined || (typeof v !== 'object' && typeof v !== 'function'))
    throw badArg(fnName, argName, 'an object', v);
}

/** `undefined` read as C's NULL: for owners and other optional pointers. */
export function orNull<T>(v: T | null | undefined): T | null {
  return v === undefined ? null : v;
}

/** Clamps a finite ns time to {@link KTIME_MAX}, as ktime_add_safe() saturates. */
export function ktimeClamp(ns: number): number {
  return Math.min(ns, KTIME_MAX);
}
