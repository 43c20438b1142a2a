// KASAN's requested-size tracking, ksize() and krealloc's in-place resize
// (mm/slab_common.c __do_krealloc, mm/kasan). Expected sizes are the kmalloc
// size classes (8, 16, 32, 64, 96, 128, 192, 256 … 8k) and, above 8 KiB,
// PAGE_SIZE << get_order(size).
import {
  __GFP_ZERO,
  devmKzalloc,
  GFP_ATOMIC,
  GFP_KERNEL,
  KBuf,
  Kernel,
  kfree,
  kmalloc,
  kmallocSizeRoundup,
  krealloc,
  ksize,
  kzalloc,
  POISON_INUSE,
  ZERO_SIZE_PTR,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { world } from './helpers.js';

const kinds = (k: Kernel) => k.reports.map((r) => r.kind);

describe('ksize and size classes', () => {
  it('ksize is the size class of the request; null, ZERO_SIZE_PTR give 0', () => {
    const k = new Kernel();
    expect(ksize(kmalloc(k, 50, GFP_ATOMIC))).toBe(64);
    expect(ksize(kmalloc(k, 65, GFP_ATOMIC))).toBe(96);
    expect(ksize(kmalloc(k, 129, GFP_ATOMIC))).toBe(192);
    expect(ksize(kmalloc(k, 8, GFP_ATOMIC))).toBe(8);
    expect(ksize(kmalloc(k, 1, GFP_ATOMIC))).toBe(8);
    expect(ksize(null)).toBe(0);
    expect(ksize(ZERO_SIZE_PTR)).toBe(0);
    // kmalloc-large: whole pages, a power of two of them.
    expect(kmallocSizeRoundup(8193)).toBe(16384);
    expect(kmallocSizeRoundup(5 * 4096)).toBe(32768);
    expect(kmallocSizeRoundup(50)).toBe(64);
    // 0 and sizes kmalloc cannot serve come back as they are.
    expect(kmallocSizeRoundup(0)).toBe(0);
    expect(kmallocSizeRoundup(2 ** 22 + 1)).toBe(2 ** 22 + 1);
    expect(ksize(kmalloc(k, 2 ** 22, GFP_ATOMIC))).toBe(2 ** 22);
    expect(k.reports).toEqual([]);
  });

  it('ksize of a freed object reports use-after-free and returns 0', () => {
    const k = new Kernel();
    const p = kmalloc(k, 24, GFP_ATOMIC) as KBuf;
    kfree(k, p);
    expect(ksize(p)).toBe(0);
    expect(kinds(k)).toEqual(['use-after-free']);
  });
});

describe('slab-out-of-bounds', () => {
  it('a read past the requested size but inside the slot is one report; the access goes through', () => {
    const k = new Kernel();
    const p = kmalloc(k, 50, GFP_ATOMIC) as KBuf;
    expect(p.getU8(49)).toBe(POISON_INUSE); // last requested byte: fine
    expect(k.reports).toEqual([]);
    expect(p.getU8(50)).toBe(POISON_INUSE); // first byte past it: reported, then read
    p.getU32(60); // same object: KASAN reports each bug once
    expect(kinds(k)).toEqual(['slab-out-of-bounds']);
    const r = k.reports[0];
    expect(r?.title).toBe('BUG: KASAN: slab-out-of-bounds in getUint8');
    expect(r?.detail).toContain('Read of size 1 at offset 0x32 of a 50-byte region (cache kmalloc-64, 64-byte slot)');
    expect(r?.stacks.access).toBeDefined();
    expect(r?.stacks.acquired).toBeDefined();
  });

  it('a write that straddles the end is a write report; a u32 at size-4 is not', () => {
    const k = new Kernel();
    const p = kzalloc(k, 20, GFP_ATOMIC) as KBuf;
    p.setU32(16, 1);
    expect(k.reports).toEqual([]);
    p.setU32(18, 0xffff_ffff);
    expect(k.reports[0]?.detail).toMatch(/^Write of size 4 at offset 0x12 of a 20-byte region/);
  });

  it('block operations past the requested size report too', () => {
    const k = new Kernel();
    const p = kmalloc(k, 40, GFP_ATOMIC) as KBuf;
    p.memset(0, 0, 40);
    p.memcpyTo(0, 40);
    expect(k.reports).toEqual([]);
    p.memset(0, 32, 16);
    expect(kinds(k)).toEqual(['slab-out-of-bounds']);
    expect(k.reports[0]?.detail).toMatch(/^Write of size 16 at offset 0x20 of a 40-byte region/);
    const q = kmalloc(k, 40, GFP_ATOMIC) as KBuf;
    q.memcpyTo(36, 8);
    expect(k.reports[1]?.detail).toMatch(/^Read of size 8 at offset 0x24/);
  });

  it('past the slot, the report is filed and the access dropped (reads give 0)', () => {
    const k = new Kernel();
    const p = kmalloc(k, 64, GFP_ATOMIC) as KBuf;
    expect(p.getU32(64)).toBe(0);
    p.setU8(100, 1);
    expect(kinds(k)).toEqual(['slab-out-of-bounds']);
    expect(p.getBigUint64(-8)).toBe(0n);
  });

  it('with the sanitizer off there is no check: the slack is silently readable, past the slot is an oops', () => {
    const k = new Kernel({ sanitizer: 'off' });
    const p = kmalloc(k, 50, GFP_ATOMIC) as KBuf;
    // The hot path is a plain DataView access: the object keeps KBuf's own prototype.
    expect(Object.getPrototypeOf(p)).toBe(KBuf.prototype);
    expect(p.getU8(55)).toBe(POISON_INUSE);
    expect(() => p.getU8(64)).toThrow(RangeError);
    expect(k.sanitizer.suppressed).toBe(0);
  });

  it('devm memory is tracked the same way', async () => {
    const { k, dev } = world();
    await k.exec('t', () => {
      const p = devmKzalloc(dev, 12, GFP_KERNEL) as KBuf;
      p.getU32(12);
    });
    expect(kinds(k)).toEqual(['slab-out-of-bounds']);
    expect(k.reports[0]?.resource).toBe('devm kmalloc-16');
  });
});

describe('krealloc in place', () => {
  it('growing within the slot returns the same object with the new size', () => {
    const k = new Kernel();
    const p = kmalloc(k, 40, GFP_ATOMIC) as KBuf;
    p.setU32(0, 0xabcd);
    const q = krealloc(k, p, 60, GFP_ATOMIC) as KBuf;
    expect(q).toBe(p);
    expect(q.size).toBe(60);
    expect(q.getU32(0)).toBe(0xabcd);
    q.getU32(56); // inside the new size: no report
    expect(k.reports).toEqual([]);
  });

  it('growing past the slot moves: the old object is freed, a stale access is use-after-free', () => {
    const k = new Kernel();
    const p = kmalloc(k, 40, GFP_ATOMIC) as KBuf;
    p.setU32(0, 7);
    const q = krealloc(k, p, 65, GFP_ATOMIC) as KBuf;
    expect(q).not.toBe(p);
    expect(q.cache).toBe('kmalloc-96');
    expect(q.getU32(0)).toBe(7);
    expect(p.isFreed).toBe(true);
    p.getU8(0);
    expect(kinds(k)).toEqual(['use-after-free']);
  });

  it('shrinking keeps the pointer; the cut-off tail is out of bounds', () => {
    const k = new Kernel();
    const p = kmalloc(k, 64, GFP_ATOMIC) as KBuf;
    const q = krealloc(k, p, 16, GFP_ATOMIC) as KBuf;
    expect(q).toBe(p);
    expect(ksize(q)).toBe(64);
    q.getU8(16);
    expect(kinds(k)).toEqual(['slab-out-of-bounds']);
  });

  it('with __GFP_ZERO the bytes past the old size read as zero after an in-place grow', () => {
    const k = new Kernel();
    const p = kmalloc(k, 33, GFP_ATOMIC) as KBuf;
    expect(p.getU8(32)).toBe(POISON_INUSE);
    const q = krealloc(k, p, 64, GFP_ATOMIC | __GFP_ZERO) as KBuf;
    expect(q).toBe(p);
    expect(q.getU8(32)).toBe(POISON_INUSE); // kept: inside the old size
    expect(q.memcpyTo(33, 31)).toEqual(new Uint8Array(31));
  });

  it('an in-place krealloc never fails (no allocation), a moving one can', () => {
    const k = new Kernel();
    const p = kmalloc(k, 10, GFP_ATOMIC) as KBuf;
    k.failNextAllocations(1);
    expect(krealloc(k, p, 16, GFP_ATOMIC)).toBe(p);
    k.failNextAllocations(1);
    expect(krealloc(k, p, 17, GFP_ATOMIC)).toBeNull();
    expect(p.isFreed).toBe(false);
  });
});
