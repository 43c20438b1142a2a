import { isKernelError, Kernel } from '@quiesce/core-devres';
import { EDU_REG_ID, EDU_REG_LIVENESS, IoMem, type PciDeviceModel, pciAddDevice, pciIomap } from '@quiesce/pci-emu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inTask, kernel, plugEdu } from './helpers.js';

/** A plain RAM-like BAR (no hooks but a write log) to test IoMem itself. */
function ramModel(size: number, log: [number, number, number | bigint][] = []): PciDeviceModel {
  return {
    name: 'ram',
    vendor: 0x1b36,
    device: 0x0005,
    revision: 0,
    classCode: 0x00ff00,
    bars: [{ kind: 'mem32', size }],
    interruptPin: 0,
    msiVectors: 0,
    attach() {},
    reset() {},
    onMmioWrite(_bar, off, size, value) {
      log.push([off, size, value]);
    },
  };
}

async function ramIo(k: Kernel, size = 0x1000, log: [number, number, number | bigint][] = []): Promise<IoMem> {
  const pdev = await inTask(k, () => pciAddDevice(k, ramModel(size, log)));
  return pciIomap(pdev, 0, 0) as IoMem;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isKernelError(e)) return `${e.code}: ${e.message}`;
    return `other: ${String(e)}`;
  }
  return 'ok';
}

describe('IoMem accessors', () => {
  it('is little-endian at every size', async () => {
    const k = kernel();
    const io = await ramIo(k);
    io.writel(0x1122_3344, 0x10);
    expect(io.readb(0x10)).toBe(0x44);
    expect(io.readb(0x13)).toBe(0x11);
    expect(io.readw(0x10)).toBe(0x3344);
    expect(io.readw(0x12)).toBe(0x1122);
    io.writeq(0x0102_0304_0506_0708n, 0x20);
    expect(io.readl(0x20)).toBe(0x0506_0708);
    expect(io.readl(0x24)).toBe(0x0102_0304);
    expect(io.readq(0x20)).toBe(0x0102_0304_0506_0708n);
    io.writeb(0xab, 0x30);
    io.writew(0xcdef, 0x32);
    expect(io.readl(0x30)).toBe(0xcdef_00ab);
  });

  it('every write is stored, then reaches the device model with its size and value', async () => {
    const k = kernel();
    const log: [number, number, number | bigint][] = [];
    const io = await ramIo(k, 0x1000, log);
    io.writeb(0x1ff, 1);
    io.writew(0x12345, 2);
    io.writel(-1, 4);
    io.writeq(-1n, 8);
    expect(log).toEqual([
      [1, 1, 0xff],
      [2, 2, 0x2345],
      [4, 4, 0xffff_ffff],
      [8, 8, 0xffff_ffff_ffff_ffffn],
    ]);
  });

  it('checked forms throw EINVAL with the reason for out-of-bounds and misaligned offsets', async () => {
    const k = kernel();
    const io = await ramIo(k, 0x100);
    expect(code(() => io.readChecked32(0xfc))).toBe('ok');
    expect(code(() => io.readChecked32(0x100))).toMatch(/^EINVAL: .*outside the 256-byte mapping/);
    expect(code(() => io.readChecked32(0xfe))).toMatch(/^EINVAL: /);
    expect(code(() => io.readChecked32(2))).toMatch(/^EINVAL: .*misaligned/);
    expect(code(() => io.readChecked16(1))).toMatch(/misaligned/);
    expect(code(() => io.readChecked8(0xff))).toBe('ok');
    expect(code(() => io.readChecked64(4))).toMatch(/misaligned/);
    expect(code(() => io.readChecked32(-4))).toMatch(/^EINVAL/);
    expect(code(() => io.readChecked32(1.5))).toMatch(/^EINVAL/);
    expect(code(() => io.writeChecked32(1, 0x100))).toMatch(/^EINVAL/);
    expect(code(() => io.writeChecked64(1n, 0xf8))).toBe('ok');
    expect(code(() => io.writeChecked16(1, 3))).toMatch(/misaligned/);
    expect(code(() => io.writeChecked8(1, 0x100))).toMatch(/^EINVAL/);
    expect(k.reports).toHaveLength(0);
  });

  it('property: checked readl accepts exactly the aligned in-bounds offsets', async () => {
    const k = kernel();
    const io = await ramIo(k, 0x100);
    fc.assert(
      fc.property(fc.integer({ min: -8, max: 0x108 }), (off) => {
        const ok = off >= 0 && off % 4 === 0 && off + 4 <= 0x100;
        expect(code(() => io.readChecked32(off)) === 'ok').toBe(ok);
      }),
      { numRuns: 200 },
    );
  });

  it('validate returns a token for the unchecked form, and rejects as the checked form does', async () => {
    const k = kernel();
    const io = await ramIo(k, 0x100);
    io.writel(0xcafe_f00d, 0x40);
    const off = io.validate(0x40, 4);
    expect(io.readl(off)).toBe(0xcafe_f00d);
    expect(code(() => io.validate(0x42, 4))).toMatch(/misaligned/);
    expect(code(() => io.validate(0x100, 1))).toMatch(/outside/);
  });

  it('with the sanitizer off the unchecked form out of bounds is a RangeError (an oops), not a report', async () => {
    const k = new Kernel({ cpus: 2, sanitizer: 'off' });
    const log: [number, number, number | bigint][] = [];
    const io = await ramIo(k, 0x100, log);
    expect(() => io.readl(0x100)).toThrow(RangeError);
    expect(() => io.writel(0, 0x100)).toThrow(RangeError);
    expect(log).toEqual([]);
    expect(k.reports).toHaveLength(0);
  });

  it('with the sanitizer on a bad unchecked offset is a report naming the access, and the model never sees it', async () => {
    const k = kernel();
    const log: [number, number, number | bigint][] = [];
    const io = await ramIo(k, 0x100, log);
    io.writel(1, 0x100); // past the end
    io.writel(2, 4.5); // not an integer: C cannot express it, the model must not get it
    io.writew(3, 0x41); // misaligned
    io.writeb(4, -1); // negative
    expect(io.readl(0xfe)).toBe(0xffff_ffff); // straddles the end
    expect(log).toEqual([]);
    expect(k.reports.map((r) => r.kind)).toEqual(Array(5).fill('invalid-mmio'));
    expect(
      k.reports.map((r) => /^(Read|Write) of size (\d) at offset (\S+) of ram \S+ BAR0: /.exec(r.detail)?.slice(1)),
    ).toEqual([
      ['Write', '4', '0x100'],
      ['Write', '4', '4.5'],
      ['Write', '2', '0x41'],
      ['Write', '1', '-1'],
      ['Read', '4', '0xfe'],
    ]);
    // The checked form keeps Rust's answer (-EINVAL), not a report.
    expect(code(() => io.readChecked32(0x100))).toMatch(/^EINVAL/);
    expect(k.reports).toHaveLength(5);
    io.writel(5, 0x10);
    expect(log).toEqual([[0x10, 4, 5]]);
  });

  it('a released handle traps every accessor, checked and unchecked, with a use-after-remove', async () => {
    const k = kernel();
    const log: [number, number, number | bigint][] = [];
    const io = await ramIo(k, 0x100, log);
    io.release();
    expect(io.readl(0)).toBe(0xffff_ffff);
    expect(io.readChecked32(0)).toBe(0xffff_ffff);
    expect(io.readq(0)).toBe(0xffff_ffff_ffff_ffffn);
    expect(io.readChecked64(0)).toBe(0xffff_ffff_ffff_ffffn);
    io.writel(1, 0);
    io.writeChecked32(1, 0);
    expect(log).toEqual([]); // the model never sees a stale write
    expect(k.reports.map((r) => r.kind)).toEqual(Array(6).fill('use-after-remove'));
  });

  it("IoMem's accessor table: a stale checked access is reported with its declared size and offset argument", async () => {
    const k = kernel();
    const io = await ramIo(k, 0x100);
    io.release();
    io.writeChecked16(0xabcd, 0x42);
    io.readChecked8(0x13);
    io.writeChecked64(1n, 0x88);
    expect(k.reports.map((r) => [r.title, r.detail])).toEqual([
      [
        'BUG: KASAN: use-after-remove in writeChecked16',
        `Write of size 2 at offset 0x42 of ${io.name}, released at unbind`,
      ],
      [
        'BUG: KASAN: use-after-remove in readChecked8',
        `Read of size 1 at offset 0x13 of ${io.name}, released at unbind`,
      ],
      [
        'BUG: KASAN: use-after-remove in writeChecked64',
        `Write of size 8 at offset 0x88 of ${io.name}, released at unbind`,
      ],
    ]);
    // Still an IoMem and a DataView, now of length 0; validate() is not an accessor and still answers.
    expect(io).toBeInstanceOf(IoMem);
    expect(io).toBeInstanceOf(DataView);
    expect(io.byteLength).toBe(0);
    expect(io.validate(0x40, 4)).toBe(0x40);
  });

  it('with the sanitizer off a stale access throws RangeError (an oops)', async () => {
    const k = new Kernel({ sanitizer: 'off' });
    const io = await ramIo(k, 0x100);
    io.release();
    expect(() => io.readl(0)).toThrow(RangeError);
  });
});

describe('IoMem over edu', () => {
  it('readl is a plain read of the register file', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    expect(io.readl(EDU_REG_ID)).toBe(0x010000ed);
    expect(io.readChecked32(EDU_REG_ID)).toBe(0x010000ed);
    io.writeChecked32(0x12345678, EDU_REG_LIVENESS);
    expect(io.readChecked32(EDU_REG_LIVENESS)).toBe(0xedcb_a987);
  });
});
