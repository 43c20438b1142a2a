/**
 * A minimal kmemleak (mm/kmemleak.c): on request, list the kmalloc objects
 * that are still allocated and that nothing refers to any more.
 *
 * The kernel scans memory (data sections, stacks, other objects) for values
 * that look like pointers into each object. quiesce cannot look inside JS
 * closures or the driver's own variables, so the scan follows the references
 * it is given: `roots` (a driver's private data, a table it keeps) are walked
 * through their properties, arrays, Maps and Sets, and every `KBuf` met on
 * the way is referenced. The natural call is after teardown (every driver
 * unbound, its module removed): then nothing should hold kmalloc memory and
 * every live object is a leak, found with its allocation stack.
 *
 * Semantics kept from the kernel: devres memory (`devm_kmalloc`) is
 * referenced by its devres entry and never reported; each object is
 * reported once (a later scan lists only new suspects); an object younger
 * than `minAgeNs` is skipped (the kernel's `MSECS_MIN_AGE`, 5 s, avoids
 * pointers still in registers; here the default is 0, since the simulation
 * has none). Tracking exists only on sanitizer kernels: with the sanitizer
 * off allocations are not recorded and a scan finds nothing.
 */
import { checkKernel } from '../kernel/check-kernel.js';
import type { Kernel } from '../kernel/kernel.js';
import { KernelLocal } from '../kernel/kernel-local.js';
import { isKBuf, type KBuf, kbufResource, REPORTED_LEAK } from './kbuf.js';

/** Live kmalloc objects of a sanitizer kernel, in allocation order. */
const LIVE = new KernelLocal((): Set<KBuf> => new Set());

/** @internal Records a new kmalloc object (sanitizer kernels only). */
export function kmemleakAlloc(b: KBuf): void {
  if (b.kernel.sanitizer.mode === 'off' || b.origin !== 'kmalloc') return;
  LIVE.get(b.kernel).add(b);
}

/** @internal Forgets a freed object. */
export function kmemleakFree(b: KBuf): void {
  if (b.kernel.sanitizer.mode === 'off') return;
  LIVE.get(b.kernel).delete(b);
}

/** Options of {@link kmemleakScan}. */
export interface KmemleakScanOptions {
  /** What still refers to kernel memory (walked through properties, arrays, Maps, Sets). */
  roots?: readonly unknown[];
  /** Objects allocated less than this long ago (virtual ns) are not reported. Default 0. */
  minAgeNs?: number;
}

/** Marks every KBuf reachable from `roots`. */
function referenced(roots: readonly unknown[]): Set<KBuf> {
  const seen = new Set<object>();
  const found = new Set<KBuf>();
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (isKBuf(v)) {
      found.add(v);
      continue; // kmalloc memory holds bytes, not references
    }
    if (v instanceof Map) {
      for (const [key, val] of v) stack.push(key, val);
      continue;
    }
    if (v instanceof Set) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d !== undefined && 'value' in d) stack.push(d.value);
    }
  }
  return found;
}

/**
 * kmemleakScan - `echo scan > /sys/kernel/debug/kmemleak`: reports every
 * kmalloc object that is still allocated, not reachable from `opts.roots`,
 * not reported before and at least `opts.minAgeNs` old, as a `memory-leak`
 * report ("unreferenced object … (size N)", who allocated it and when, the
 * allocation stack). Context: any. Returns: the number of new suspects
 * (the kernel's "N new suspected memory leaks").
 */
export function kmemleakScan(k: Kernel, opts: KmemleakScanOptions = {}): number {
  checkKernel('kmemleakScan', k);
  if (k.sanitizer.mode === 'off') return 0;
  const refs = referenced(opts.roots ?? []);
  const minAge = opts.minAgeNs ?? 0;
  let n = 0;
  for (const b of LIVE.get(k)) {
    if (refs.has(b) || (b.reported & REPORTED_LEAK) !== 0 || k.now - b.allocated.at < minAge) continue;
    b.reported |= REPORTED_LEAK;
    n++;
    const ms = Math.floor(b.allocated.at / 1e6);
    k.sanitizer.report({
      kind: 'memory-leak',
      title: `kmemleak: unreferenced object (size ${b.size})`,
      resource: kbufResource(b),
      detail: `unreferenced ${b.cache} object of ${b.size} bytes, allocated by ${b.allocated.by} at ${ms} ms, never freed`,
      stacks: b.allocated.stack !== undefined ? { acquired: b.allocated.stack } : {},
    });
  }
  if (n > 0) k.trace('kmemleak', `${n} new suspected memory leaks`);
  return n;
}
