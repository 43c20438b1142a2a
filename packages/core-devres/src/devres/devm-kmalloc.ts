/**
 * Resource-managed memory (drivers/base/devres.c): `devm_kmalloc`,
 * `devm_kzalloc`, `devm_kcalloc`, `devm_kfree`.
 *
 * The object is freed in the release phase of unbind, after `remove()`,
 * with the rest of devres. The classic bug this makes visible: state that a
 * file or a kref can outlive (a cdev, a misc device's private data)
 * allocated with `devm_kzalloc`; the access after unbind is KASAN's
 * `use-after-free` with the allocation (probe), free (unbind) and access
 * stacks.
 */
import { checkDevice } from '../device/check-device.js';
import type { Device } from '../device/device.js';
import { mightSleep } from '../kernel/might-sleep.js';
import { WeakSlot } from '../kernel/weak-slot.js';
import { __GFP_ZERO, checkGfp, checkSize, gfpflagsAllowBlocking } from '../mm/gfp.js';
import type { KBuf } from '../mm/kbuf.js';
import { SIZE_MAX, slabAlloc, slabFree, slabInfo, ZERO_OR_NULL_PTR, ZERO_SIZE_PTR } from '../mm/slab.js';
import { devresAdd, devresRemoveResource } from './devres.js';
import type { ManagedResource } from './node.js';

/** The devres entry of each live devm object, for `devm_kfree`. */
// A WeakSlot, not a WeakMap: the entry's release reaches the buffer (kernel/weak-slot.ts).
const entries = new WeakSlot<KBuf, { dev: Device; res: ManagedResource }>('devm_kmalloc entry');

/**
 * `devm_kmalloc(dev, size, gfp)`: {@link kmalloc} freed at unbind.
 * Context: as kmalloc (`GFP_KERNEL` may sleep). Returns: the object,
 * ZERO_SIZE_PTR for size 0 (nothing registered), or null on failure (one
 * allocation: the devres node and the memory are one block, as alloc_dr).
 */
export function devmKmalloc(dev: Device, size: number, gfp: number): KBuf | null {
  checkDevice('devm_kmalloc', dev);
  checkSize('devm_kmalloc', 'size', size);
  checkGfp('devm_kmalloc', gfp);
  const k = dev.kernel;
  if (size === 0) {
    if (gfpflagsAllowBlocking(gfp)) mightSleep(k, 'devm_kmalloc');
    return ZERO_SIZE_PTR;
  }
  const b = slabAlloc(k, 'devm_kmalloc', size, gfp, 'devm');
  if (b === null) return null;
  const res: ManagedResource = {
    name: `devm_kzalloc_release ${b.cache}`,
    release: () => {
      entries.delete(b);
      slabFree(b);
    },
  };
  try {
    devresAdd(dev, res, gfp);
  } catch {
    // Fault injection hit the devres node: one failed allocation, as alloc_dr.
    const info = slabInfo(k);
    info.live--;
    info.failed++;
    info.allocs--;
    return null;
  }
  entries.set(b, { dev, res });
  return b;
}

/** `devm_kzalloc(dev, size, gfp)`: zeroed {@link devmKmalloc}. */
export function devmKzalloc(dev: Device, size: number, gfp: number): KBuf | null {
  checkDevice('devm_kzalloc', dev);
  checkGfp('devm_kzalloc', gfp);
  return devmKmalloc(dev, size, gfp | __GFP_ZERO);
}

/** `devm_kcalloc(dev, n, size, gfp)`: zeroed array; null when `n * size` overflows. */
export function devmKcalloc(dev: Device, n: number, size: number, gfp: number): KBuf | null {
  checkDevice('devm_kcalloc', dev);
  checkSize('devm_kcalloc', 'n', n);
  checkSize('devm_kcalloc', 'size', size);
  checkGfp('devm_kcalloc', gfp);
  if (n * size > SIZE_MAX) return null;
  return devmKmalloc(dev, n * size, gfp | __GFP_ZERO);
}

/**
 * `devm_kfree(dev, p)`: frees devres memory of `dev` now. Null and
 * ZERO_SIZE_PTR are no-ops. Memory that is not `dev`'s devres memory (kmalloc
 * memory, another device's, already freed) is a kernel `WARN_ON` and nothing
 * is freed. Context: any.
 */
export function devmKfree(dev: Device, p: KBuf | null | undefined): void {
  checkDevice('devm_kfree', dev);
  if (ZERO_OR_NULL_PTR(p)) return;
  const e = entries.get(p as KBuf);
  if (e === undefined || e.dev !== dev || !devresRemoveResource(dev, e.res)) {
    dev.kernel.warn(dev.name, `devm_kfree: ${String(p)} is not devres memory of ${dev} (devres_destroy failed)`);
    return;
  }
  entries.delete(p as KBuf);
  slabFree(p as KBuf);
  dev.kernel.trace('devm_kfree', `${dev.name}: ${String(p)}`);
}
