/**
 * Shards: one exploration split over processes or machines that share
 * nothing but the command line (a Kubernetes Indexed Job, a CI matrix).
 *
 * - Seeded strategies: shard i of n runs a contiguous, disjoint range of
 *   schedule indices; seeds stay `base + index`, so the union of the shards
 *   is exactly the unsharded run.
 * - Exhaustive search: the tree is cut at depth {@link SHARD_DEPTH}; every
 *   run belongs to the shard its first decisions hash to. Runs that branch
 *   above the cut are run by every shard (they reveal the tree's shape) but
 *   counted by their owner only; below the cut a shard skips whole subtrees
 *   it does not own. Each schedule within the bound is counted exactly once.
 */

/** Shard `index` of `count` (0-based, as JOB_COMPLETION_INDEX and matrix indices are). */
export interface Shard {
  index: number;
  count: number;
}

/** The whole exploration. */
export const NO_SHARD: Shard = { index: 0, count: 1 };

/** Decisions that decide which shard owns an exhaustive run. */
export const SHARD_DEPTH = 3;

/**
 * Parses `i/n` (0 ≤ i < n). Context: any.
 * Errors: RangeError naming the value when it is not of that form.
 */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new RangeError(`--shard must be i/n with 0 ≤ i < n (got ${s}); shards are numbered from 0`);
  }
  return { index, count };
}

/** Schedule indices [lo, hi) of shard `s` in a budget of `budget` schedules. Context: any. */
export function shardRange(budget: number, s: Shard): [number, number] {
  return [Math.floor((s.index * budget) / s.count), Math.floor(((s.index + 1) * budget) / s.count)];
}

/** The shard that owns an exhaustive run whose first decisions are `key` (FNV-1a over the entries). */
export function subtreeOwner(key: readonly number[], count: number): number {
  let h = 0x811c9dc5;
  for (const x of key) {
    h ^= x + 1;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}
