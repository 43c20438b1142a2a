import { allocWork, destroyWorkqueue, flushWork, initWork, queueWork, workPending } from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { kernel, warnings, wqOf } from './helpers.js';

describe('fidelity: works that were never initialised', () => {
  it('flush_work on a never-initialised work WARNs (WARN_ON(!work->func)) and returns false', async () => {
    const k = kernel();
    const w = allocWork(k);
    expect(await k.exec('t', () => flushWork(w))).toBe(false);
    expect(warnings(k)).toHaveLength(1);
    expect(warnings(k)[0]).toContain('WARN_ON(!work->func)');
  });

  it('INIT_WORK with something that is not a function is a TypeError', () => {
    const k = kernel();
    expect(() => initWork(allocWork(k), null as never)).toThrow(/INIT_WORK: func must be a function/);
  });
});

describe('fidelity: a destroyed workqueue is freed memory', () => {
  it('queue_work on it and a second destroy_workqueue are use-after-free reports; nothing is queued', async () => {
    const k = kernel();
    const wq = wqOf(k, 'gone');
    let ran = 0;
    const w = initWork(allocWork(k), async () => {
      ran++;
    });
    await k.exec('t', async () => {
      expect(await destroyWorkqueue(wq)).toBe(true);
      queueWork(wq, w);
      expect(workPending(w)).toBe(false);
      expect(await destroyWorkqueue(wq)).toBe(false);
    });
    expect(ran).toBe(0);
    expect(k.reports.map((r) => [r.kind, r.title])).toEqual([
      ['use-after-free', 'BUG: KASAN: slab-use-after-free in __queue_work'],
      ['use-after-free', 'BUG: KASAN: slab-use-after-free in destroy_workqueue'],
    ]);
  });
});
