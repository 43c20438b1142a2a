/**
 * Counting forms of the hot-path handles, installed only on objects made by
 * a kernel whose census is on (docs/design.md §9). A census-off kernel's
 * handles keep their classes' own methods and maps, so their hot path has no
 * added instruction: the swap happens at construction, as the sanitizer's
 * dead prototype does at release.
 */
import type { Census } from './census.js';

/** The kernel accessors of an MMIO handle: `readl`, `writeb`, `ioread32`…, not the `DataView` getters they call. */
const MMIO_ACCESSOR = /^(read|write)[bwlq]$|^(ioread|iowrite)(8|16|32|64)$/;

interface CensusOwner {
  readonly kernel: { readonly census: Census | null };
}

/** Counting prototypes, one per live class, made on first use. */
const countingPrototypes = new WeakMap<object, object>();

function countingPrototypeOf(live: object): object {
  const cached = countingPrototypes.get(live);
  if (cached !== undefined) return cached;
  const proto: Record<string, unknown> = Object.create(live) as Record<string, unknown>;
  const seen = new Set<string>();
  for (let p: object | null = live; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (seen.has(name) || !MMIO_ACCESSOR.test(name)) continue;
      seen.add(name);
      const op = name.startsWith('read') || name.startsWith('ioread') ? 'mmio_read' : 'mmio_write';
      const fn = (live as Record<string, (...a: unknown[]) => unknown>)[name] as (...a: unknown[]) => unknown;
      proto[name] = function (this: CensusOwner, ...args: unknown[]): unknown {
        this.kernel.census?.count(op);
        return fn.apply(this, args);
      };
    }
  }
  countingPrototypes.set(live, proto);
  return proto;
}

/**
 * Makes `handle` (a `FencedView` or subclass, just constructed) count every
 * MMIO access in its kernel's census: its prototype becomes a counting
 * prototype whose accessors count, then call the live class's accessor.
 * Release later swaps it to the dead prototype as usual. Context: any.
 */
export function countMmio(handle: object): void {
  Object.setPrototypeOf(handle, countingPrototypeOf(Object.getPrototypeOf(handle) as object));
}

/**
 * Makes a `Revocable` count what Rust's `Revocable` executes on its read
 * side: `try_access()` is `rcu_read_lock()`, an atomic (relaxed) load of
 * `is_available`, and, when the returned value's section ends,
 * `rcu_read_unlock()`; the guard form counts the lock and the load when
 * taken and the unlock when released (Rust's `RevocableGuard` holds the RCU
 * read lock). Context: any.
 */
export function countRevocable(
  r: { tryAccess(): unknown; tryAccessWithGuard(): unknown; guardDone(): void },
  census: Census,
): void {
  const tryAccess = r.tryAccess;
  const withGuard = r.tryAccessWithGuard;
  const done = r.guardDone;
  Object.defineProperties(r, {
    tryAccess: {
      value(this: typeof r): unknown {
        census.count('rcu_read_lock');
        census.count('atomic_load');
        census.count('rcu_read_unlock');
        return tryAccess.call(this);
      },
    },
    tryAccessWithGuard: {
      value(this: typeof r): unknown {
        census.count('rcu_read_lock');
        census.count('atomic_load');
        const g = withGuard.call(this);
        if (g === null) census.count('rcu_read_unlock');
        return g;
      },
    },
    guardDone: {
      value(this: typeof r): void {
        census.count('rcu_read_unlock');
        done.call(this);
      },
    },
  });
}

/**
 * Makes an `SrcuStruct` (the SRCU domain of the srcu-device and c-revocable
 * designs) count `srcu_read_lock()` and the one guarded word every read
 * section of those designs loads (DRM's `dev->unplugged`, the C revocable's
 * `srcu_dereference(rp->res)`) as an atomic load, and `srcu_read_unlock()`.
 * Context: any.
 */
export function countSrcuStruct(
  s: { srcuReadLock(): number; srcuReadUnlock(idx: number): void },
  census: Census,
): void {
  const lock = s.srcuReadLock;
  const unlock = s.srcuReadUnlock;
  Object.defineProperties(s, {
    srcuReadLock: {
      value(this: typeof s): number {
        census.countAll('srcu_read_lock', 'atomic_load');
        return lock.call(this);
      },
    },
    srcuReadUnlock: {
      value(this: typeof s, idx: number): void {
        census.count('srcu_read_unlock');
        unlock.call(this, idx);
      },
    },
  });
}

/**
 * Makes a `Devres` count its `access(bound)` as what Rust's
 * `Devres::access()` executes: one compare of device pointers (`check`), no
 * atomic and no RCU. Context: any.
 */
export function countDevresAccess(d: { access(bound: never): unknown }, census: Census): void {
  const access = d.access;
  Object.defineProperty(d, 'access', {
    value(this: typeof d, bound: never): unknown {
      census.count('check');
      return access.call(this, bound);
    },
  });
}
