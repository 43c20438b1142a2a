// kmemleak (mm/kmemleak.c): a scan lists the kmalloc objects still allocated
// and unreferenced, each once; devres memory is referenced by devres.
import {
  devmKzalloc,
  GFP_ATOMIC,
  GFP_KERNEL,
  type KBuf,
  Kernel,
  kfree,
  kmalloc,
  kmemleakScan,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { world } from './helpers.js';

describe('kmemleakScan', () => {
  it('reports each unreferenced live object once, with size, allocator and allocation stack', () => {
    const k = new Kernel();
    const kept = kmalloc(k, 24, GFP_ATOMIC) as KBuf;
    kmalloc(k, 100, GFP_ATOMIC); // lost
    kfree(k, kmalloc(k, 8, GFP_ATOMIC)); // freed: not a leak
    const priv = { state: { table: [kept] } };
    expect(kmemleakScan(k, { roots: [priv] })).toBe(1);
    const r = k.reports[0];
    expect(r?.kind).toBe('memory-leak');
    expect(r?.title).toBe('kmemleak: unreferenced object (size 100)');
    expect(r?.resource).toBe('kmalloc-128');
    expect(r?.detail).toBe('unreferenced kmalloc-128 object of 100 bytes, allocated by kernel at 0 ms, never freed');
    expect(r?.stacks.acquired).toBeDefined();
    expect(kmemleakScan(k, { roots: [priv] })).toBe(0); // already reported
    expect(kmemleakScan(k)).toBe(1); // the root is gone: now `kept` is unreferenced too
    expect(k.reports.map((x) => x.resource)).toEqual(['kmalloc-128', 'kmalloc-32']);
  });

  it('follows Maps, Sets and arrays; freed objects and devres memory are never listed', async () => {
    const { k, dev } = world();
    const a = kmalloc(k, 16, GFP_ATOMIC) as KBuf;
    const b = kmalloc(k, 16, GFP_ATOMIC) as KBuf;
    const c = kmalloc(k, 16, GFP_ATOMIC) as KBuf;
    await k.exec('probe', () => devmKzalloc(dev, 64, GFP_KERNEL));
    expect(kmemleakScan(k, { roots: [new Map([['a', a]]), new Set([b]), [[c]]] })).toBe(0);
    kfree(k, a);
    kfree(k, b);
    kfree(k, c);
    expect(kmemleakScan(k)).toBe(0);
    expect(k.reports).toEqual([]);
  });

  it('skips objects younger than minAgeNs (the kernel uses 5 s)', async () => {
    const k = new Kernel();
    kmalloc(k, 32, GFP_ATOMIC);
    await k.runFor(1_000_000);
    expect(kmemleakScan(k, { minAgeNs: 5e9 })).toBe(0);
    await k.runFor(5e9);
    expect(kmemleakScan(k, { minAgeNs: 5e9 })).toBe(1);
  });

  it('with the sanitizer off nothing is tracked', () => {
    const k = new Kernel({ sanitizer: 'off' });
    kmalloc(k, 32, GFP_ATOMIC);
    expect(kmemleakScan(k)).toBe(0);
  });
});
