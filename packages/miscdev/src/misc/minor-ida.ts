/**
 * The misc minor allocator (`misc_minors_ida` in drivers/char/misc.c).
 *
 * Since v6.14 (commit "misc: misc_minor_alloc to use ida for all dynamic/misc
 * dynamic minors" and its follow-ups) every minor, fixed or dynamic, is taken
 * from one IDA: a dynamic minor is the lowest free id in
 * `MISC_DYNAMIC_MINOR + 1 .. MINORMASK`, a fixed minor is the single id
 * `minor .. minor`. The older bitmap that handed out 127, 126, … downwards is
 * gone.
 */
import { MINORMASK, MISC_DYNAMIC_MINOR } from './constants.js';

export class MinorIda {
  private readonly used = new Set<number>();
  /** Lowest id that may be free in the dynamic range (a search hint, like the IDA's). */
  private hint = MISC_DYNAMIC_MINOR + 1;

  /** `ida_alloc_range(ida, 256, MINORMASK)`: the lowest free dynamic minor, or -1 when the range is full. */
  allocDynamic(): number {
    for (let m = this.hint; m <= MINORMASK; m++) {
      if (!this.used.has(m)) {
        this.used.add(m);
        this.hint = m + 1;
        return m;
      }
    }
    return -1;
  }

  /** `ida_alloc_range(ida, minor, minor)`: true if `minor` was free and is now taken. */
  allocFixed(minor: number): boolean {
    if (this.used.has(minor)) return false;
    this.used.add(minor);
    return true;
  }

  /** `ida_free()`. */
  free(minor: number): void {
    this.used.delete(minor);
    if (minor > MISC_DYNAMIC_MINOR && minor < this.hint) this.hint = minor;
  }

  /** True if `minor` is allocated. */
  has(minor: number): boolean {
    return this.used.has(minor);
  }
}
