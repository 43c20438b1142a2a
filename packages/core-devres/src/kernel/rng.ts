/**
 * The simulation's only source of randomness: a small seeded PRNG
 * (mulberry32). Every random scheduling decision comes from here, so a seed
 * fixes a run; nothing in quiesce calls `Math.random()`.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in `[0, n)`; `n` must be ≥ 1. */
  below(n: number): number {
    return this.nextU32() % n;
  }

  /** A uniform float in `[0, 1)`. */
  float(): number {
    return this.nextU32() / 4294967296;
  }
}
