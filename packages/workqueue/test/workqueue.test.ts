import { msleep, sleepNs } from '@quiesce/core-devres';
import {
  allocWork,
  allocWorkqueue,
  DRAIN_MAX_TRIES,
  destroyWorkqueue,
  drainWorkqueue,
  flushWorkqueue,
  initWork,
  queueWork,
  WQ_UNBOUND,
  workPending,
  workqueueInFlight,
} from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { kernel, warnings, wqOf } from './helpers.js';

describe('alloc_workqueue max_active', () => {
  it('0 means 1024; in range is kept without warning', () => {
    const k = kernel();
    expect(wqOf(k, 'a', 0, 0).maxActive).toBe(1024);
    expect(wqOf(k, 'b', 0, 1).maxActive).toBe(1);
    expect(wqOf(k, 'c', WQ_UNBOUND, 2048).maxActive).toBe(2048);
    expect(warnings(k)).toEqual([]);
  });

  it('clamps to 1..2048 with the kernel warning', () => {
    const k = kernel();
    expect(wqOf(k, 'big', 0, 5000).maxActive).toBe(2048);
    expect(wqOf(k, 'neg', 0, -3).maxActive).toBe(1);
    expect(warnings(k)).toEqual([
      'workqueue: max_active 5000 requested for big is out of range, clamping between 1 and 2048',
      'workqueue: max_active -3 requested for neg is out of range, clamping between 1 and 2048',
    ]);
  });

  it('returns null when the allocation fails', () => {
    const k = kernel();
    k.failNextAllocations(1);
    expect(allocWorkqueue(k, 'x', 0, 0)).toBeNull();
  });

  it('items beyond max_active wait FIFO', async () => {
    const k = kernel();
    const wq = wqOf(k, 'two', WQ_UNBOUND, 2);
    const started: number[] = [];
    let active = 0;
    let peak = 0;
    const works = [0, 1, 2, 3, 4].map((i) =>
      initWork(allocWork(k), async () => {
        started.push(i);
        active++;
        peak = Math.max(peak, active);
        await sleepNs(k, 100);
        active--;
      }),
    );
    await k.exec('user', () => {
      for (const w of works) queueWork(wq, w);
    });
    await k.run(); // exec returns when its task exits; the works run here
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('flush_workqueue', () => {
  it('waits for work queued before the call, not for work queued after it began', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const log: string[] = [];
    const a = initWork(allocWork(k), async function a() {
      await msleep(k, 10);
      log.push('a done');
    });
    const b = initWork(allocWork(k), async function b() {
      await msleep(k, 50);
      log.push('b done');
    });
    k.spawn('flusher', async () => {
      queueWork(wq, a);
      const f = k.spawn('late', async () => {
        await msleep(k, 1);
        queueWork(wq, b); // after the flush began
      });
      await flushWorkqueue(wq);
      log.push(`flush returned, b pending or running: ${workPending(b) || b.running > 0}`);
      await k.join(f);
    });
    await k.run();
    expect(log).toEqual(['a done', 'flush returned, b pending or running: true', 'b done']);
  });
});

describe('drain_workqueue / destroy_workqueue', () => {
  it('outside queueing while draining warns "cannot queue" and drops; chained queueing is allowed', async () => {
    const k = kernel();
    const wq = wqOf(k, 'drainme');
    const ran: string[] = [];
    const outside = initWork(allocWork(k), async function outsideFn() {
      ran.push('outside');
    });
    const chained = initWork(allocWork(k), async function chainedFn() {
      ran.push('chained');
    });
    const first = initWork(allocWork(k), async function firstFn() {
      await msleep(k, 5);
      ran.push('first');
      expect(queueWork(wq, chained)).toBe(true);
    });
    const ret: boolean[] = [];
    k.spawn('user', async () => {
      queueWork(wq, first);
      const d = k.spawn('drainer', () => drainWorkqueue(wq));
      await msleep(k, 1);
      ret.push(queueWork(wq, outside)); // true, as in the kernel, but dropped
      ret.push(workPending(outside));
      await k.join(d);
    });
    await k.run();
    expect(ret).toEqual([true, false]);
    expect(ran).toEqual(['first', 'chained']);
    expect(warnings(k)).toEqual(['workqueue: cannot queue outsideFn on wq drainme']);
    expect(wq.closed).toBe(false);
  });

  it('destroy drains and frees; later queueing is a use-after-free of the freed workqueue', async () => {
    const k = kernel();
    const wq = wqOf(k, 'gone');
    let runs = 0;
    const w = initWork(allocWork(k), async function late() {
      await msleep(k, 2);
      runs++;
    });
    const r = await k.exec('user', async () => {
      queueWork(wq, w);
      const freed = await destroyWorkqueue(wq);
      queueWork(wq, w);
      return freed;
    });
    expect(r).toBe(true);
    expect(runs).toBe(1);
    expect(wq.destroyed).toBe(true);
    expect(warnings(k)).toEqual([]);
    expect(k.reports.map((x) => x.kind)).toEqual(['use-after-free']);
    expect(k.reports[0]?.resource).toBe('workqueue gone');
  });

  it('a self-chaining work keeps the drain going; destroy warns busy and does not free', async () => {
    const k = kernel();
    const wq = wqOf(k, 'chain');
    let stop = false;
    const w = initWork(allocWork(k), async function forever(work) {
      if (!stop) queueWork(wq, work);
    });
    let inFlight = -1;
    const r = await k.exec('user', async () => {
      queueWork(wq, w);
      const freed = await destroyWorkqueue(wq);
      inFlight = workqueueInFlight(wq);
      stop = true; // the kernel would chain for ever; end the scenario
      return freed;
    });
    expect(r).toBe(false);
    expect(wq.destroyed).toBe(false);
    expect(inFlight).toBe(1);
    const tries = [10, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    expect(DRAIN_MAX_TRIES).toBe(1000);
    expect(warnings(k)).toEqual([
      ...tries.map((n) => `workqueue chain: drain_workqueue() isn't complete after ${n} tries`),
      'destroy_workqueue: chain has the following busy pwq',
    ]);
  });
});
