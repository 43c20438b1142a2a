import {
  __GFP_NOWARN,
  deviceAdd,
  deviceReleaseDriver,
  devmKcalloc,
  devmKfree,
  devmKzalloc,
  driverRegister,
  GFP_ATOMIC,
  GFP_KERNEL,
  GFP_NOWAIT,
  KBuf,
  Kernel,
  KMALLOC_MAX_SIZE,
  kcalloc,
  kfree,
  kmalloc,
  kmallocArray,
  kmallocCacheName,
  krealloc,
  kzalloc,
  POISON_FREE,
  POISON_INUSE,
  SpinLock,
  slabInfo,
  ZERO_OR_NULL_PTR,
  ZERO_SIZE_PTR,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

const kinds = (k: Kernel) => k.reports.map((r) => r.kind);

describe('kmalloc family', () => {
  it('kzalloc returns zeroed memory of the requested size; kmalloc memory is not zeroed', async () => {
    const k = new Kernel();
    const [z, m] = await k.exec('t', () => [kzalloc(k, 24, GFP_KERNEL), kmalloc(k, 24, GFP_KERNEL)]);
    expect(z?.size).toBe(24);
    expect(z?.memcpyTo()).toEqual(new Uint8Array(24));
    expect(m?.getU8(5)).toBe(POISON_INUSE);
    m?.setU32(4, 0xdeadbeef);
    expect(m?.getU8(4)).toBe(0xef); // little-endian
    expect(m?.getU32(4)).toBe(0xdeadbeef);
    expect(z?.cache).toBe('kmalloc-32');
    expect(k.reports).toEqual([]);
  });

  it('size classes follow the kmalloc caches', () => {
    expect(kmallocCacheName(1)).toBe('kmalloc-8');
    expect(kmallocCacheName(65)).toBe('kmalloc-96');
    expect(kmallocCacheName(129)).toBe('kmalloc-192');
    expect(kmallocCacheName(4096)).toBe('kmalloc-4k');
    expect(kmallocCacheName(8193)).toBe('kmalloc-large');
  });

  it('size 0 returns ZERO_SIZE_PTR; kfree(NULL) and kfree(ZERO_SIZE_PTR) are no-ops', async () => {
    const k = new Kernel();
    const p = await k.exec('t', () => kmalloc(k, 0, GFP_KERNEL));
    expect(p).toBe(ZERO_SIZE_PTR);
    expect(ZERO_OR_NULL_PTR(p)).toBe(true);
    expect(() => p?.getU8(0)).toThrow(RangeError); // dereferencing it faults
    kfree(k, null);
    kfree(k, ZERO_SIZE_PTR);
    expect(k.reports).toEqual([]);
    expect(slabInfo(k).allocs).toBe(0);
  });

  it('GFP_KERNEL checks might_sleep even when it does not block; GFP_ATOMIC and GFP_NOWAIT do not', async () => {
    const k = new Kernel();
    const lock = new SpinLock(k, 'l');
    const got = await k.exec('t', () => {
      lock.lock();
      const a = kmalloc(k, 16, GFP_ATOMIC);
      const b = kmalloc(k, 16, GFP_NOWAIT);
      expect(k.reports).toEqual([]);
      const c = kmalloc(k, 16, GFP_KERNEL);
      lock.unlock();
      return [a, b, c];
    });
    expect(kinds(k)).toEqual(['sleep-in-atomic']);
    expect(k.reports[0]?.title).toContain('kmalloc');
    expect(got.every((b) => b instanceof KBuf)).toBe(true);
  });

  it('GFP_KERNEL from a hardirq is sleep-in-atomic; GFP_ATOMIC is fine there', () => {
    const k = new Kernel();
    k.runAtomic('hardirq', 0, 'irq', () => {
      expect(kmalloc(k, 8, GFP_ATOMIC)).toBeInstanceOf(KBuf);
      kzalloc(k, 8, GFP_KERNEL);
    });
    expect(kinds(k)).toEqual(['sleep-in-atomic']);
  });

  it('injected faults make GFP_ATOMIC (and any) allocations return NULL', () => {
    const k = new Kernel();
    k.failNextAllocations(1);
    expect(kmalloc(k, 8, GFP_ATOMIC)).toBeNull();
    expect(kmalloc(k, 8, GFP_ATOMIC)).toBeInstanceOf(KBuf);
    expect(slabInfo(k).failed).toBe(1);
  });

  it('kcalloc: zeroed n*size; a multiplication overflow is NULL without a warning', () => {
    const k = new Kernel();
    const a = kcalloc(k, 4, 8, GFP_ATOMIC);
    expect(a?.size).toBe(32);
    expect(a?.memcpyTo()).toEqual(new Uint8Array(32));
    expect(kcalloc(k, 2 ** 33, 2 ** 33, GFP_ATOMIC)).toBeNull();
    expect(kmallocArray(k, 2 ** 40, 2 ** 30, GFP_ATOMIC)).toBeNull();
    expect(k.reports).toEqual([]);
  });

  it('more than KMALLOC_MAX_SIZE fails with one WARN per kernel, none with __GFP_NOWARN', () => {
    const k = new Kernel();
    expect(kmalloc(k, KMALLOC_MAX_SIZE + 1, GFP_ATOMIC | __GFP_NOWARN)).toBeNull();
    expect(k.reports).toEqual([]);
    expect(kmalloc(k, KMALLOC_MAX_SIZE + 1, GFP_ATOMIC)).toBeNull();
    expect(kmalloc(k, KMALLOC_MAX_SIZE + 1, GFP_ATOMIC)).toBeNull();
    expect(kinds(k)).toEqual(['warn']);
    expect(kmalloc(k, KMALLOC_MAX_SIZE, GFP_ATOMIC)?.size).toBe(KMALLOC_MAX_SIZE);
  });

  it('rejects sizes and flags C cannot express with a TypeError naming the argument', () => {
    const k = new Kernel();
    expect(() => kmalloc(k, -1, GFP_ATOMIC)).toThrow(/kmalloc: size .*-1/);
    expect(() => kmalloc(k, 1.5, GFP_ATOMIC)).toThrow(TypeError);
    expect(() => kmalloc(k, 8, Number.NaN)).toThrow(/kmalloc: gfp/);
    expect(() => kcalloc(k, -2, 8, GFP_ATOMIC)).toThrow(/kmalloc_array: n/);
    expect(() => kfree(k, 5 as unknown as KBuf)).toThrow(/kfree: p/);
  });

  it('krealloc keeps min(old, new) bytes, frees the old object, and handles NULL and 0', () => {
    const k = new Kernel();
    const a = kzalloc(k, 8, GFP_ATOMIC) as KBuf;
    a.setU32(0, 0x11223344);
    const b = krealloc(k, a, 16, GFP_ATOMIC) as KBuf;
    expect(b.size).toBe(16);
    expect(b.getU32(0)).toBe(0x11223344);
    expect(b.getU8(12)).toBe(POISON_INUSE); // the new tail is uninitialised
    expect(a.isFreed).toBe(true);
    const c = krealloc(k, null, 4, GFP_ATOMIC);
    expect(c?.size).toBe(4);
    expect(krealloc(k, c, 0, GFP_ATOMIC)).toBe(ZERO_SIZE_PTR);
    expect(c?.isFreed).toBe(true);
    k.failNextAllocations(1);
    expect(krealloc(k, b, 64, GFP_ATOMIC)).toBeNull();
    expect(b.isFreed).toBe(false); // unchanged on failure
    expect(b.getU32(0)).toBe(0x11223344);
    expect(k.reports).toEqual([]);
  });
});

describe('KASAN reports', () => {
  it('use after kfree: one use-after-free report with allocation, free and access stacks; the access reads the poison', async () => {
    const k = new Kernel();
    const v = await k.exec('user', () => {
      const p = kzalloc(k, 64, GFP_KERNEL) as KBuf;
      kfree(k, p);
      const first = p.getU32(8);
      p.getU32(12); // same object: reported once
      return first;
    });
    expect(v).toBe(POISON_FREE * 0x01010101);
    expect(kinds(k)).toEqual(['use-after-free']);
    const r = k.reports[0];
    expect(r?.title).toBe('BUG: KASAN: slab-use-after-free in getU32');
    expect(r?.detail).toContain('Read of size 4 at offset 0x8 of a freed 64-byte region (cache kmalloc-64)');
    expect(r?.stacks.access).toBeDefined();
    expect(r?.stacks.acquired).toBeDefined();
    expect(r?.stacks.released).toBeDefined();
  });

  it('a write after free is reported as a write and every accessor traps, including memset and memcpy', () => {
    const k = new Kernel();
    for (const touch of [
      (p: KBuf) => p.setU16(2, 1),
      (p: KBuf) => p.memset(0, 0, 4),
      (p: KBuf) => p.memcpyTo(0, 4),
      (p: KBuf) => p.getUint8(0),
      (p: KBuf) => p.setBigUint64(0, 1n),
    ]) {
      k.sanitizer.clear();
      const p = kmalloc(k, 16, GFP_ATOMIC) as KBuf;
      kfree(k, p);
      touch(p);
      expect(kinds(k)).toEqual(['use-after-free']);
    }
    k.sanitizer.clear();
    const p = kmalloc(k, 16, GFP_ATOMIC) as KBuf;
    kfree(k, p);
    p.setU16(2, 1);
    expect(k.reports[0]?.detail).toMatch(/^Write of size 2 at offset 0x2/);
  });

  it('with the sanitizer off a stale access throws RangeError (an oops)', () => {
    const k = new Kernel({ sanitizer: 'off' });
    const p = kmalloc(k, 16, GFP_ATOMIC) as KBuf;
    expect(p.getU32(0)).toBe(POISON_INUSE * 0x01010101);
    kfree(k, p);
    expect(() => p.getU32(0)).toThrow(RangeError);
  });

  it('a second kfree is double-free; freeing a foreign object is invalid-free; neither frees anything', () => {
    const k = new Kernel();
    const p = kmalloc(k, 16, GFP_ATOMIC) as KBuf;
    kfree(k, p);
    kfree(k, p);
    expect(kinds(k)).toEqual(['double-free']);
    expect(k.reports[0]?.title).toBe('BUG: KASAN: double-free in kfree');
    expect(k.reports[0]?.stacks.released).toBeDefined();
    kfree(k, new DataView(new ArrayBuffer(4)) as unknown as KBuf);
    expect(kinds(k)).toEqual(['double-free', 'invalid-free']);
    const other = new Kernel();
    const q = kmalloc(other, 8, GFP_ATOMIC) as KBuf;
    kfree(k, q); // another kernel's object
    expect(q.isFreed).toBe(false);
    expect(slabInfo(k).frees).toBe(1);
  });
});

describe('devm_kzalloc / devm_kfree', () => {
  it('is freed at unbind after remove(): remove() can still use it', async () => {
    const { k, bus, dev } = world();
    let seenInRemove = -1;
    let mem: KBuf | null = null;
    await k.exec('boot', async () => {
      await driverRegister(
        bus,
        driver(
          'dev0',
          (d) => {
            mem = devmKzalloc(d, 32, GFP_KERNEL);
            mem?.setU32(0, 7);
          },
          () => {
            seenInRemove = mem?.getU32(0) ?? -2;
          },
        ),
      );
      await deviceAdd(dev);
    });
    expect((mem as KBuf | null)?.isFreed).toBe(false);
    await k.exec('unbind', () => deviceReleaseDriver(dev));
    expect(seenInRemove).toBe(7);
    expect((mem as KBuf | null)?.isFreed).toBe(true);
    expect(k.reports).toEqual([]);
    expect(slabInfo(k).live).toBe(0);
  });

  it('devm_kfree frees now and drops the devres entry; a second devm_kfree or kmalloc memory WARNs', async () => {
    const { k, dev } = world();
    await k.exec('t', () => {
      const p = devmKzalloc(dev, 8, GFP_KERNEL) as KBuf;
      const before = dev.devres.length;
      devmKfree(dev, p);
      expect(p.isFreed).toBe(true);
      expect(dev.devres.length).toBe(before - 1);
      devmKfree(dev, p);
      devmKfree(dev, kmalloc(k, 8, GFP_KERNEL));
      devmKfree(dev, null);
      devmKfree(dev, ZERO_SIZE_PTR);
    });
    expect(kinds(k)).toEqual(['warn', 'warn']);
    expect(k.reports[0]?.title).toContain('devm_kfree');
  });

  it('kfree of devres memory is invalid-free and frees nothing; size 0 registers nothing', async () => {
    const { k, dev } = world();
    await k.exec('t', () => {
      const p = devmKzalloc(dev, 8, GFP_KERNEL) as KBuf;
      kfree(k, p);
      expect(p.isFreed).toBe(false);
      expect(devmKzalloc(dev, 0, GFP_KERNEL)).toBe(ZERO_SIZE_PTR);
    });
    expect(kinds(k)).toEqual(['invalid-free']);
    expect(dev.devres.length).toBe(1);
  });

  it('devm_kcalloc overflow and an injected fault return NULL and register nothing', async () => {
    const { k, dev } = world();
    await k.exec('t', () => {
      expect(devmKcalloc(dev, 2 ** 40, 2 ** 40, GFP_KERNEL)).toBeNull();
      k.failNextAllocations(1);
      expect(devmKzalloc(dev, 8, GFP_KERNEL)).toBeNull();
      expect(devmKcalloc(dev, 3, 4, GFP_KERNEL)?.memcpyTo()).toEqual(new Uint8Array(12));
    });
    expect(dev.devres.length).toBe(1);
    expect(k.reports).toEqual([]);
  });
});
