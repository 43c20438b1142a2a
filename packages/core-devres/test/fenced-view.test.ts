import {
  type AccessorTable,
  accessorTableOf,
  deviceBind,
  deviceReleaseDriver,
  devresAdd,
  FencedView,
  Kernel,
  type SanitizerMode,
  SanitizerPanic,
  type SanitizerReport,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

function mapping(k: Kernel, len = 16, name = 'edu BAR0') {
  const buf = new ArrayBuffer(len);
  return { buf, h: new FencedView(k, name, new DataView(buf)) };
}

describe('FencedView, live', () => {
  it('reads and writes little-endian MMIO of 8/16/32/64 bits', () => {
    const k = new Kernel();
    const { buf, h } = mapping(k);
    h.writel(0x11223344, 0);
    expect([...new Uint8Array(buf, 0, 4)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(h.readl(0)).toBe(0x11223344);
    expect(h.readw(0)).toBe(0x3344);
    expect(h.readw(2)).toBe(0x1122);
    expect(h.readb(3)).toBe(0x11);
    h.writeb(0xab, 4);
    h.writew(0xbeef, 6);
    expect(h.readl(4)).toBe(0xbeef00ab);
    h.writeq(0x0102030405060708n, 8);
    expect(h.readq(8)).toBe(0x0102030405060708n);
    expect(h.readb(8)).toBe(0x08);
    expect(h.length).toBe(16);
    expect(h.isReleased).toBe(false);
    expect(h).toBeInstanceOf(DataView);
  });

  it('covers exactly the mapped window of a larger buffer', () => {
    const k = new Kernel();
    const buf = new ArrayBuffer(64);
    new DataView(buf).setUint32(32, 0xcafef00d, true);
    const h = new FencedView(k, 'win', new DataView(buf, 32, 8));
    expect(h.length).toBe(8);
    expect(h.readl(0)).toBe(0xcafef00d);
  });

  it('with the sanitizer off a live out-of-range access is a RangeError (an oops) and no report', () => {
    const k = new Kernel({ sanitizer: 'off' });
    const { h } = mapping(k);
    expect(Object.getPrototypeOf(h)).toBe(FencedView.prototype); // the plain path: no checking layer
    expect(() => h.readl(14)).toThrow(RangeError);
    expect(() => h.readl(14)).toThrow(/outside the bounds/);
    expect(() => h.writeq(1n, 16)).toThrow(RangeError);
    expect(() => h.readb(-1)).toThrow(RangeError);
    expect(k.reports).toEqual([]);
  });

  it('with the sanitizer on a bad offset is an invalid-mmio report naming accessor, mapping, offset and width', () => {
    const k = new Kernel();
    const { buf, h } = mapping(k);
    new DataView(buf).setUint32(12, 0x1234_5678, true);
    // Past the end (14 + 4 > 16), misaligned, negative, fractional, a string: each one report, no access made.
    expect(h.readl(14)).toBe(0xffff_ffff);
    expect(h.readl(2)).toBe(0xffff_ffff);
    expect(h.readb(-1)).toBe(0xff);
    expect(h.readw(4.5)).toBe(0xffff);
    h.writel(0xdead_beef, '12' as unknown as number);
    expect(h.readq(16)).toBe(0xffff_ffff_ffff_ffffn);
    expect(k.reports.map((r) => r.kind)).toEqual(Array(6).fill('invalid-mmio'));
    expect(k.reports.map((r) => r.title)).toEqual([
      'BUG: invalid MMIO access in readl',
      'BUG: invalid MMIO access in readl',
      'BUG: invalid MMIO access in readb',
      'BUG: invalid MMIO access in readw',
      'BUG: invalid MMIO access in writel',
      'BUG: invalid MMIO access in readq',
    ]);
    expect(k.reports[0]?.detail).toMatch(
      /^Read of size 4 at offset 0xe of edu BAR0: the access ends past the 16-byte mapping/,
    );
    expect(k.reports[1]?.detail).toMatch(/offset 0x2 .*not 4-byte aligned/);
    expect(k.reports[2]?.detail).toMatch(/size 1 at offset -1 .*negative/);
    expect(k.reports[3]?.detail).toMatch(/offset 4\.5 .*not an integer/);
    expect(k.reports[4]?.detail).toMatch(/^Write of size 4 at offset "12" .*not a number; the write is dropped/);
    expect(k.reports.every((r) => r.resource === 'edu BAR0')).toBe(true);
    // The dropped write left the register alone; good offsets still work, with no further report.
    expect(h.readl(12)).toBe(0x1234_5678);
    h.writel(7, 0);
    expect(h.readl(0)).toBe(7);
    expect(k.reports).toHaveLength(6);
  });

  it('with the sanitizer in panic mode a bad offset throws the report', () => {
    const k = new Kernel({ sanitizer: 'panic' });
    const { h } = mapping(k);
    expect(() => h.readl(16)).toThrow(/invalid MMIO access in readl/);
  });
});

describe('FencedView, released', () => {
  it('a stale readl is a use-after-remove report with access, acquired and released stacks, and reads all ones', () => {
    const k = new Kernel();
    const { h } = mapping(k);
    h.writel(0x12345678, 0x10 - 4);
    h.release();
    expect(h.isReleased).toBe(true);
    expect(h.length).toBe(0);
    expect(h.readl(0x10)).toBe(0xffffffff);
    const r = k.reports[0] as SanitizerReport;
    expect(k.reports).toHaveLength(1);
    expect(r.kind).toBe('use-after-remove');
    expect(r.title).toBe('BUG: KASAN: use-after-remove in readl');
    expect(r.resource).toBe('edu BAR0');
    expect(r.detail).toBe('Read of size 4 at offset 0x10 of edu BAR0, released at unbind');
    expect(r.stacks.access).toEqual(expect.any(String));
    expect(r.stacks.acquired).toEqual(expect.any(String));
    expect(r.stacks.released).toEqual(expect.any(String));
    expect(k.traceLog.some((e) => e.ev === 'release' && e.detail === 'edu BAR0')).toBe(true);
  });

  it('every read size returns all ones; the inherited DataView accessors trap too', () => {
    const k = new Kernel();
    const { h } = mapping(k);
    h.release();
    expect(h.readb(0)).toBe(0xff);
    expect(h.readw(0)).toBe(0xffff);
    expect(h.readl(0)).toBe(0xffffffff);
    expect(h.readq(0)).toBe(0xffff_ffff_ffff_ffffn);
    expect(h.getUint32(4, true)).toBe(0xffffffff);
    expect(k.reports.map((r) => r.detail)).toEqual([
      'Read of size 1 at offset 0x0 of edu BAR0, released at unbind',
      'Read of size 2 at offset 0x0 of edu BAR0, released at unbind',
      'Read of size 4 at offset 0x0 of edu BAR0, released at unbind',
      'Read of size 8 at offset 0x0 of edu BAR0, released at unbind',
      'Read of size 4 at offset 0x4 of edu BAR0, released at unbind',
    ]);
  });

  it('a stale write is reported and dropped: the memory is unchanged', () => {
    const k = new Kernel();
    const { buf, h } = mapping(k);
    h.writel(0xaaaaaaaa, 8);
    h.release();
    h.writel(0x55555555, 8);
    h.writeb(0x55, 9);
    h.setUint32(12, 0x55555555, true);
    expect(new DataView(buf).getUint32(8, true)).toBe(0xaaaaaaaa);
    expect(new DataView(buf).getUint32(12, true)).toBe(0);
    expect(k.reports.map((r) => [r.title, r.detail])).toEqual([
      ['BUG: KASAN: use-after-remove in writel', 'Write of size 4 at offset 0x8 of edu BAR0, released at unbind'],
      ['BUG: KASAN: use-after-remove in writeb', 'Write of size 1 at offset 0x9 of edu BAR0, released at unbind'],
      ['BUG: KASAN: use-after-remove in setUint32', 'Write of size 4 at offset 0xc of edu BAR0, released at unbind'],
    ]);
  });

  it('a second release is a double-release report', () => {
    const k = new Kernel();
    const { h } = mapping(k);
    h.release();
    h.release();
    expect(k.reports).toHaveLength(1);
    expect(k.reports[0]).toMatchObject({
      kind: 'double-release',
      title: 'BUG: KASAN: double-free of edu BAR0',
      resource: 'edu BAR0',
    });
    expect(k.reports[0]?.stacks.released).toEqual(expect.any(String));
  });

  it('with the sanitizer off a stale access throws a RangeError (an oops) and nothing is kept', () => {
    const k = new Kernel({ sanitizer: 'off' });
    const { h } = mapping(k);
    expect(h.acquiredStack).toBeUndefined();
    h.release();
    expect(() => h.readl(0)).toThrow(RangeError);
    expect(() => h.readl(0)).toThrow('edu BAR0: readl() on a released mapping (use after remove)');
    expect(() => h.writel(1, 0)).toThrow(RangeError);
    expect(k.reports).toEqual([]);
  });

  it('in panic mode a stale access throws SanitizerPanic', () => {
    const k = new Kernel({ sanitizer: 'panic' });
    const { h } = mapping(k);
    h.release();
    expect(() => h.readl(0)).toThrow(SanitizerPanic);
  });

  it('releasing one handle leaves other live handles (of the same class) working', () => {
    for (const mode of ['report', 'off'] as SanitizerMode[]) {
      const k = new Kernel({ sanitizer: mode });
      const a = mapping(k, 8, 'a').h;
      const b = mapping(k, 8, 'b').h;
      b.writel(0x01020304, 0);
      a.release();
      expect(b.readl(0)).toBe(0x01020304);
      expect(b.isReleased).toBe(false);
      expect(b.length).toBe(8);
      expect(k.reports).toEqual([]);
    }
  });

  it('only declared accessors trap: a subclass helper runs and the accessor it calls is reported', () => {
    class Regs extends FencedView {
      status(): number {
        return this.readl(4);
      }
    }
    const k = new Kernel();
    const h = new Regs(k, 'regs', new DataView(new ArrayBuffer(8)));
    h.writel(3, 4);
    expect(h.status()).toBe(3);
    h.release();
    expect(h.status()).toBe(0xffffffff);
    expect(k.reports.map((r) => [r.title, r.detail])).toEqual([
      ['BUG: KASAN: use-after-remove in readl', 'Read of size 4 at offset 0x4 of regs, released at unbind'],
    ]);
  });

  it("a subclass's own accessor table: the declared size, direction and offset argument are reported", () => {
    class Regs16 extends FencedView {
      static override readonly accessors: AccessorTable = {
        pokeHalf: { size: 2, access: 'write', offsetArg: 1 },
        peekHalf: { size: 2, access: 'read', offsetArg: 0 },
      };
      pokeHalf(v: number, off: number): void {
        this.setUint16(off, v, true);
      }
      peekHalf(off: number): number {
        return this.getUint16(off, true);
      }
    }
    const k = new Kernel();
    const h = new Regs16(k, 'r16', new DataView(new ArrayBuffer(8)));
    h.pokeHalf(0x1234, 2);
    expect(h.peekHalf(2)).toBe(0x1234);
    h.release();
    h.pokeHalf(0x5555, 6);
    expect(h.peekHalf(6)).toBe(0xffff);
    expect(h.readl(0)).toBe(0xffffffff); // the inherited FencedView entries still trap
    expect(k.reports.map((r) => [r.title, r.detail])).toEqual([
      ['BUG: KASAN: use-after-remove in pokeHalf', 'Write of size 2 at offset 0x6 of r16, released at unbind'],
      ['BUG: KASAN: use-after-remove in peekHalf', 'Read of size 2 at offset 0x6 of r16, released at unbind'],
      ['BUG: KASAN: use-after-remove in readl', 'Read of size 4 at offset 0x0 of r16, released at unbind'],
    ]);
    expect(accessorTableOf(Regs16.prototype).pokeHalf).toEqual({ size: 2, access: 'write', offsetArg: 1 });
    expect(accessorTableOf(Regs16.prototype).getUint32).toMatchObject({ size: 4, access: 'read', offsetArg: 0 });
  });

  it('a released handle is still a DataView (and its class), with byteLength and length 0', () => {
    const k = new Kernel();
    const { h } = mapping(k, 16);
    expect(h.byteLength).toBe(16);
    h.release();
    expect(h).toBeInstanceOf(DataView);
    expect(h).toBeInstanceOf(FencedView);
    expect(h.byteLength).toBe(0);
    expect(h.length).toBe(0);
    expect(k.reports).toEqual([]);
  });

  it('stale reads of signed and float DataView accessors return all ones of their type', () => {
    const k = new Kernel();
    const { h } = mapping(k);
    h.release();
    expect(h.getInt32(0, true)).toBe(-1);
    expect(h.getInt8(0)).toBe(-1);
    expect(h.getFloat64(0, true)).toBeNaN();
    expect(h.getBigInt64(0, true)).toBe(-1n);
    expect(k.reports.map((r) => r.detail)).toEqual([
      'Read of size 4 at offset 0x0 of edu BAR0, released at unbind',
      'Read of size 1 at offset 0x0 of edu BAR0, released at unbind',
      'Read of size 8 at offset 0x0 of edu BAR0, released at unbind',
      'Read of size 8 at offset 0x0 of edu BAR0, released at unbind',
    ]);
  });

  it('as a devres resource: released at unbind, a later access from an IRQ is reported in hardirq context', async () => {
    const w = world();
    let h: FencedView | null = null;
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          const view = new FencedView(w.k, 'edu BAR0', new DataView(new ArrayBuffer(16)));
          devresAdd(dev, { name: 'iomap BAR0', release: () => view.release() });
          h = view;
        }),
      );
      expect(h?.readl(0)).toBe(0);
      await deviceReleaseDriver(w.dev);
      w.k.raise('edu irq', 1, () => {
        expect(h?.readl(0)).toBe(0xffffffff);
      });
    });
    await w.k.run(); // exec returns when its task exits; the raised IRQ runs here
    const r = w.k.reports[0];
    expect(r?.kind).toBe('use-after-remove');
    expect(r?.context).toEqual({ kind: 'hardirq', name: 'edu irq', pid: 0, cpu: 1 });
  });
});
