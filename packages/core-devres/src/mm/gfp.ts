/**
 * GFP flags (include/linux/gfp_types.h): how an allocation may behave.
 *
 * Only the combinations matter to quiesce: the bit values are quiesce's own
 * (the kernel's depend on its configuration and are not ABI). What is kept
 * from the kernel: `GFP_KERNEL` includes direct reclaim, so it may sleep
 * (`gfpflags_allow_blocking`); `GFP_ATOMIC` and `GFP_NOWAIT` do not, so they
 * are safe in atomic context and may fail instead (fault injection:
 * `Kernel.failNextAllocations`).
 */

/** Allocate from ZONE_DMA. */
export const __GFP_DMA = 0x01;
/** Allocate from ZONE_DMA32. */
export const __GFP_DMA32 = 0x04;
/** High priority: may use the emergency reserves (part of GFP_ATOMIC). */
export const __GFP_HIGH = 0x20;
/** May start physical I/O. */
export const __GFP_IO = 0x40;
/** May call into the filesystem. */
export const __GFP_FS = 0x80;
/** Return zeroed memory (what kzalloc adds). */
export const __GFP_ZERO = 0x100;
/** May enter direct reclaim: the caller may sleep. */
export const __GFP_DIRECT_RECLAIM = 0x400;
/** May wake kswapd (never sleeps itself). */
export const __GFP_KSWAPD_RECLAIM = 0x800;
/** Do not warn when the allocation fails. */
export const __GFP_NOWARN = 0x2000;
/** Retry harder, but may still fail. */
export const __GFP_RETRY_MAYFAIL = 0x4000;
/** Do not retry: fail fast. */
export const __GFP_NORETRY = 0x10000;
/** Both reclaim kinds. */
export const __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;

/** The usual process-context allocation: may sleep. */
export const GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
/** Atomic context (IRQ handlers, spinlock held): never sleeps, may use reserves, may fail. */
export const GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
/** Never sleeps, no reserves: fails rather than wait. */
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
/** May sleep, no I/O. */
export const GFP_NOIO = __GFP_RECLAIM;
/** May sleep, no filesystem calls. */
export const GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
/** GFP_KERNEL from ZONE_DMA32 (no difference in the emulation). */
export const GFP_DMA32 = __GFP_DMA32;

/**
 * `gfpflags_allow_blocking()`: true when an allocation with `gfp` may sleep
 * (direct reclaim allowed). Context: any.
 */
export function gfpflagsAllowBlocking(gfp: number): boolean {
  return (gfp & __GFP_DIRECT_RECLAIM) !== 0;
}

/**
 * Checks that `gfp` is a `gfp_t` (an unsigned 32-bit integer); anything else
 * cannot be written in C. Throws a TypeError naming `fn` and the value.
 */
export function checkGfp(fn: string, gfp: unknown): number {
  if (typeof gfp !== 'number' || !Number.isInteger(gfp) || gfp < 0 || gfp > 0xffff_ffff) {
    throw new TypeError(`${fn}: gfp must be a gfp_t (unsigned 32-bit integer), got ${String(gfp)}`);
  }
  return gfp;
}

/** Checks that `n` is a `size_t` (a non-negative integer). Throws a TypeError naming `fn`, `arg` and the value. */
export function checkSize(fn: string, arg: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new TypeError(`${fn}: ${arg} must be a size_t (non-negative integer), got ${String(n)}`);
  }
  return n;
}
