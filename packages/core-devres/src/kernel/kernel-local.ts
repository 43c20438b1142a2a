/**
 * Typed per-kernel state for subsystems (the system workqueue, the misc
 * registry, the PCI bus...): the simulation's stand-in for a subsystem's
 * static globals, of which every {@link Kernel} needs its own copy.
 *
 * # Invariants
 * - `get(k)` returns the same value for the same kernel for the kernel's
 *   whole life; `create` runs at most once per kernel, on first use.
 * - Values live in a slot array on the kernel itself: a dropped kernel
 *   takes its state with it.
 * - `T` is an object type, so "no entry" (undefined) and a stored value can
 *   never be confused and no cast is needed.
 *
 * Why slots on the kernel, not a module-level `WeakMap<Kernel, T>`: V8's
 * young-generation collector (the scavenger) cannot tell that an entry of
 * an old-space WeakMap whose key is young is dead, and keeps its value
 * alive; a value that reaches its kernel (most do: `new PciBusState(k)`)
 * then keeps the key and with it the whole world of a finished run alive
 * through every scavenge, until a full mark-compact. For the explorer,
 * which makes a kernel per schedule, that promoted every world to the old
 * generation: most of its GC work (docs/explorer.md, "Scaling").
 */
import type { Kernel } from './kernel.js';

/** The key of a kernel's slot array (see {@link KernelLocal}). */
export const LOCAL_SLOTS: unique symbol = Symbol('kernelLocalSlots');

/** A kernel as KernelLocal sees it: one slot per KernelLocal declared in the process. */
export interface LocalSlots {
  readonly [LOCAL_SLOTS]: (object | undefined)[];
}

let nextSlot = 0;

/**
 * One slot of per-kernel state, created lazily by `create`. Declare one at
 * module level (`const POOLS = new KernelLocal((k) => new PoolRegistry(k))`)
 * and read it with `POOLS.get(k)`; the value type is inferred from `create`.
 */
export class KernelLocal<T extends object> {
  private readonly slot = nextSlot++;

  constructor(private readonly create: (k: Kernel) => T) {}

  /** This kernel's value, creating it on first use. Context: any. */
  get(k: Kernel): T {
    let slots = (k as unknown as Partial<LocalSlots>)[LOCAL_SLOTS];
    // A kernel made by another copy of this package (a bundle that holds two)
    // has that copy's slot array, under that copy's symbol: this copy adds
    // its own on first use, as a WeakMap per copy would have kept its own.
    if (slots === undefined) {
      slots = [];
      Object.defineProperty(k, LOCAL_SLOTS, { value: slots });
    }
    let v = slots[this.slot] as T | undefined;
    if (v === undefined) {
      v = this.create(k);
      slots[this.slot] = v;
    }
    return v;
  }
}
