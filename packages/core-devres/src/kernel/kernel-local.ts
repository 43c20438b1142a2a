/**
 * Typed per-kernel state for subsystems (the system workqueue, the misc
 * registry, the PCI bus...): the simulation's stand-in for a subsystem's
 * static globals, of which every {@link Kernel} needs its own copy.
 *
 * # Invariants
 * - `get(k)` returns the same value for the same kernel for the kernel's
 *   whole life; `create` runs at most once per kernel, on first use.
 * - Values are held weakly by kernel: a dropped kernel takes its state with it.
 * - `T` is an object type, so "no entry" (undefined) and a stored value can
 *   never be confused and no cast is needed.
 */
import type { Kernel } from './kernel.js';

/**
 * One slot of per-kernel state, created lazily by `create`. Declare one at
 * module level (`const POOLS = new KernelLocal((k) => new PoolRegistry(k))`)
 * and read it with `POOLS.get(k)`; the value type is inferred from `create`.
 */
export class KernelLocal<T extends object> {
  private readonly values = new WeakMap<Kernel, T>();

  constructor(private readonly create: (k: Kernel) => T) {}

  /** This kernel's value, creating it on first use. Context: any. */
  get(k: Kernel): T {
    let v = this.values.get(k);
    if (v === undefined) {
      v = this.create(k);
      this.values.set(k, v);
    }
    return v;
  }
}
