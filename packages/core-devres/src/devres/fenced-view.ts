/**
 * A fenced MMIO handle: the hot path of the fenced discipline.
 *
 * A live handle reads and writes through `view`, a `DataView` on the
 * mapped memory. At release `view` is swapped for {@link DEAD_VIEW}, a shared
 * zero-length `DataView`, so a stale access fails the bounds check that every
 * `DataView` access already performs: the trap costs nothing on the hot path.
 *
 * Two V8 details make this free (docs/fenced-handles.md has the numbers):
 * - `view` is written twice in the constructor, so V8 never records it as a
 *   constant field; the swap at release is then not a field-constness
 *   transition, and live handles keep the same optimised code.
 * - Nothing is detached: detaching an `ArrayBuffer` invalidates an
 *   isolate-wide protector and slows every typed-array access by ~20%.
 *
 * In sanitizer `report`/`panic` mode a stale access becomes a
 * `use-after-remove` report with the access, acquisition and release stacks;
 * the read then returns all ones (as a read from a gone device does) and a
 * write is dropped. With the sanitizer `off` the `RangeError` propagates: an
 * oops, as a real use after `iounmap` is.
 */
import type { Kernel } from '../kernel/kernel.js';
import { captureStack } from '../sanitizer/sanitizer.js';

/** The view every released handle reads through: any access is out of bounds. */
export const DEAD_VIEW: DataView = new DataView(new ArrayBuffer(0));

const ONES64 = 0xffff_ffff_ffff_ffffn;

export class FencedView {
  /** The mapping; {@link DEAD_VIEW} after release. Not readonly on purpose (see file comment). */
  protected view: DataView;
  private released = false;
  private readonly acquiredStack: string | undefined;
  private releasedStack: string | undefined = undefined;

  constructor(
    protected readonly kernel: Kernel,
    /** `edu BAR0`, for reports. */
    readonly name: string,
    view: DataView,
  ) {
    // Written twice so V8 tracks `view` as a mutable field from birth.
    this.view = DEAD_VIEW;
    this.view = view;
    this.acquiredStack = captureStack(kernel.sanitizer.mode, 3);
  }

  /** Mapped length in bytes (0 once released). */
  get length(): number {
    return this.view.byteLength;
  }

  /** True once released. */
  get isReleased(): boolean {
    return this.released;
  }

  /** `readb()`. Offset validated by the caller. Context: any. */
  readb(off: number): number {
    try {
      return this.view.getUint8(off);
    } catch (e) {
      return this.fault(e, off, 1, false) as number;
    }
  }

  /** `readw()`, little-endian. Context: any. */
  readw(off: number): number {
    try {
      return this.view.getUint16(off, true);
    } catch (e) {
      return this.fault(e, off, 2, false) as number;
    }
  }

  /** `readl()`, little-endian. Context: any. */
  readl(off: number): number {
    try {
      return this.view.getUint32(off, true);
    } catch (e) {
      return this.fault(e, off, 4, false) as number;
    }
  }

  /** `readq()`, little-endian, as a bigint. Context: any. */
  readq(off: number): bigint {
    try {
      return this.view.getBigUint64(off, true);
    } catch (e) {
      return this.fault(e, off, 8, false) as bigint;
    }
  }

  /** `writeb()`. Context: any. */
  writeb(v: number, off: number): void {
    try {
      this.view.setUint8(off, v);
    } catch (e) {
      this.fault(e, off, 1, true);
    }
  }

  /** `writew()`, little-endian. Context: any. */
  writew(v: number, off: number): void {
    try {
      this.view.setUint16(off, v, true);
    } catch (e) {
      this.fault(e, off, 2, true);
    }
  }

  /** `writel()`, little-endian. Context: any. */
  writel(v: number, off: number): void {
    try {
      this.view.setUint32(off, v, true);
    } catch (e) {
      this.fault(e, off, 4, true);
    }
  }

  /** `writeq()`, little-endian. Context: any. */
  writeq(v: bigint, off: number): void {
    try {
      this.view.setBigUint64(off, v, true);
    } catch (e) {
      this.fault(e, off, 8, true);
    }
  }

  /**
   * Kills the handle: every later access traps. A second release is a
   * `double-release` report. Context: atomic.
   */
  release(): void {
    if (this.released) {
      this.kernel.sanitizer.report({
        kind: 'double-release',
        title: `BUG: KASAN: double-free of ${this.name}`,
        resource: this.name,
        detail: `${this.name} was already released`,
        stacks: this.stacks(),
      });
      return;
    }
    this.released = true;
    this.releasedStack = captureStack(this.kernel.sanitizer.mode, 2);
    this.view = DEAD_VIEW;
    this.kernel.trace('release', this.name);
  }

  /** The cold path of every accessor: a stale handle, or a bad offset on a live one. */
  protected fault(e: unknown, off: number, size: number, write: boolean): number | bigint | undefined {
    if (!(e instanceof RangeError)) throw e;
    if (!this.released) {
      throw new RangeError(
        `${this.name}: ${write ? 'write' : 'read'} of size ${size} at offset 0x${off.toString(16)} outside the ${this.view.byteLength}-byte mapping`,
      );
    }
    const k = this.kernel;
    if (k.sanitizer.mode === 'off') throw e;
    k.sanitizer.report({
      kind: 'use-after-remove',
      title: `BUG: KASAN: use-after-remove in ${accessor(size, write)}`,
      resource: this.name,
      detail: `${write ? 'Write' : 'Read'} of size ${size} at offset 0x${off.toString(16)} of ${this.name}, released at unbind`,
      stacks: this.stacks(),
    });
    if (write) return undefined;
    return size === 8 ? ONES64 : 2 ** (8 * size) - 1;
  }

  private stacks(): { access?: string; acquired?: string; released?: string } {
    const s: { access?: string; acquired?: string; released?: string } = { ...this.kernel.stack() };
    if (this.acquiredStack !== undefined) s.acquired = this.acquiredStack;
    if (this.releasedStack !== undefined) s.released = this.releasedStack;
    return s;
  }
}

function accessor(size: number, write: boolean): string {
  const suffix = size === 1 ? 'b' : size === 2 ? 'w' : size === 4 ? 'l' : 'q';
  return `${write ? 'write' : 'read'}${suffix}`;
}
