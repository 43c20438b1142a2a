import { msleep, sleepNs } from '@quiesce/core-devres';
import {
  allocOrderedWorkqueue,
  allocWork,
  cancelWork,
  cancelWorkSync,
  disableWork,
  disableWorkSync,
  enableWork,
  flushWork,
  initWork,
  queueWork,
  queueWorkOn,
  scheduleWork,
  WORK_BUSY_PENDING,
  WORK_BUSY_RUNNING,
  WORK_OFFQ_DISABLE_MAX,
  workBusy,
  workDisableCount,
  workPending,
} from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { kernel, warnings, wqOf } from './helpers.js';

describe('queue_work', () => {
  it('returns false for a work already pending, and runs it once', async () => {
    const k = kernel();
    const wq = wqOf(k);
    let runs = 0;
    const w = initWork(allocWork(k), async function count() {
      runs++;
    });
    const r = await k.exec('user', () => [queueWork(wq, w), queueWork(wq, w), workPending(w)]);
    expect(r).toEqual([true, false, true]);
    await k.run();
    expect(runs).toBe(1);
    expect(workPending(w)).toBe(false);
    expect(workBusy(w)).toBe(0);
  });

  it('queues a running work again; the second run starts after the first ends, on the same worker', async () => {
    const k = kernel({ strategy: 'random', seed: 7 });
    const wq = wqOf(k);
    let active = 0;
    let maxActive = 0;
    const workers: string[] = [];
    let runs = 0;
    const w = initWork(allocWork(k), async function slow() {
      active++;
      maxActive = Math.max(maxActive, active);
      workers.push(k.current?.name ?? '?');
      runs++;
      await msleep(k, 5);
      active--;
    });
    const seen: number[] = [];
    k.spawn(
      'user',
      async () => {
        expect(queueWork(wq, w)).toBe(true);
        while (workBusy(w) !== WORK_BUSY_RUNNING) await k.yield();
        seen.push(workBusy(w));
        // Running, not pending: it can be queued again, from the other CPU too.
        expect(queueWorkOn(1 - (k.current?.cpu ?? 0), wq, w)).toBe(true);
        seen.push(workBusy(w));
      },
      0,
    );
    await k.run();
    expect(seen).toEqual([WORK_BUSY_RUNNING, WORK_BUSY_RUNNING | WORK_BUSY_PENDING]);
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    expect(workers[0]).toBe(workers[1]);
  });

  it('scheduleWork uses the system workqueue', async () => {
    const k = kernel();
    let ran = false;
    const w = initWork(allocWork(k), async () => {
      ran = true;
    });
    await k.exec('user', () => scheduleWork(w));
    await k.run(); // exec returns when its task exits; the rest runs here
    expect(ran).toBe(true);
  });

  it('names per-CPU workers kworker/<cpu>:<n>', async () => {
    const k = kernel();
    const wq = wqOf(k);
    let name = '';
    const w = initWork(allocWork(k), async () => {
      name = k.current?.name ?? '';
    });
    await k.exec('user', () => queueWorkOn(1, wq, w));
    await k.run(); // exec returns when its task exits; the rest runs here
    expect(name).toBe('kworker/1:0');
  });
});

describe('cancel_work / cancel_work_sync', () => {
  it('cancel_work returns true if pending, false otherwise; does not wait', async () => {
    const k = kernel();
    const wq = wqOf(k);
    let runs = 0;
    const w = initWork(allocWork(k), async () => {
      runs++;
    });
    const r = await k.exec('user', () => {
      queueWork(wq, w);
      return [cancelWork(w), cancelWork(w)];
    });
    expect(r).toEqual([true, false]);
    expect(runs).toBe(0);
  });

  it('cancel_work_sync: a self-requeue while it waits fails; then the work can be queued again', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const requeue: boolean[] = [];
    let runs = 0;
    let keepGoing = true;
    const w = initWork(allocWork(k), async function selfRequeue(work) {
      runs++;
      await msleep(k, 1);
      if (keepGoing) requeue.push(queueWork(wq, work));
    });
    let after = -1;
    const res = await k.exec('user', async () => {
      queueWork(wq, w);
      while (workBusy(w) !== WORK_BUSY_RUNNING) await k.yield();
      const ret = await cancelWorkSync(w);
      after = runs;
      keepGoing = false;
      return [ret, workBusy(w), workDisableCount(w), queueWork(wq, w)];
    });
    // Not pending when cancelled (it was running): false. Re-enabled afterwards: queueing works.
    expect(res).toEqual([false, 0, 0, true]);
    expect(requeue).toEqual([false]);
    expect(after).toBe(1);
  });

  it('cancel_work_sync returns true for a pending work and it never runs', async () => {
    const k = kernel();
    const wq = wqOf(k);
    let runs = 0;
    const w = initWork(allocWork(k), async () => {
      runs++;
    });
    const r = await k.exec('user', async () => {
      queueWork(wq, w);
      return cancelWorkSync(w);
    });
    expect(r).toBe(true);
    expect(runs).toBe(0);
  });

  it('cancel_work_sync from atomic context reports sleep-in-atomic and does not wait', async () => {
    const k = kernel();
    const w = initWork(allocWork(k), async () => undefined);
    await k.exec('user', async () => {
      await k.runAtomic('softirq', 0, 'timer', () => cancelWorkSync(w));
    });
    expect(k.reports.some((r) => r.kind === 'sleep-in-atomic')).toBe(true);
  });
});

describe('disable_work / enable_work', () => {
  it('counts disables; queueing fails until enable brings the count to 0', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const w = initWork(allocWork(k), async () => undefined);
    const r = await k.exec('user', () => {
      queueWork(wq, w);
      return [
        disableWork(w), // was pending
        disableWork(w), // not pending
        queueWork(wq, w),
        enableWork(w), // count 1
        queueWork(wq, w),
        enableWork(w), // count 0
        queueWork(wq, w),
      ];
    });
    expect(r).toEqual([true, false, false, false, false, true, true]);
    expect(warnings(k)).toEqual([]);
  });

  it('warns on overflow (16-bit count) and on underflow', async () => {
    const k = kernel();
    const w = initWork(allocWork(k), async () => undefined);
    for (let i = 0; i < WORK_OFFQ_DISABLE_MAX; i++) disableWork(w);
    expect(WORK_OFFQ_DISABLE_MAX).toBe(65535);
    expect(workDisableCount(w)).toBe(65535);
    expect(warnings(k)).toEqual([]);
    disableWork(w);
    expect(workDisableCount(w)).toBe(65535);
    expect(warnings(k)).toEqual(['workqueue: work disable count overflowed']);
    const k2 = kernel();
    const w2 = initWork(allocWork(k2), async () => undefined);
    expect(enableWork(w2)).toBe(true);
    expect(workDisableCount(w2)).toBe(0);
    expect(warnings(k2)).toEqual(['workqueue: work disable count underflowed']);
  });

  it('disable_work_sync waits for the running instance and keeps the work disabled', async () => {
    const k = kernel();
    const wq = wqOf(k);
    let done = false;
    const w = initWork(allocWork(k), async () => {
      await msleep(k, 3);
      done = true;
    });
    const r = await k.exec('user', async () => {
      queueWork(wq, w);
      while (workBusy(w) !== WORK_BUSY_RUNNING) await k.yield();
      const ret = await disableWorkSync(w);
      return [ret, done, queueWork(wq, w), enableWork(w), queueWork(wq, w)];
    });
    expect(r).toEqual([false, true, false, true, true]);
  });
});

describe('flush_work', () => {
  it('returns true if it waited, false when idle', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const w = initWork(allocWork(k), async () => {
      await sleepNs(k, 100);
    });
    const r = await k.exec('user', async () => {
      const idle = await flushWork(w);
      queueWork(wq, w);
      const waited = await flushWork(w);
      return [idle, waited, workBusy(w)];
    });
    expect(r).toEqual([false, true, 0]);
  });

  it('waits for the pending requeue of a running work', async () => {
    const k = kernel();
    const wq = wqOf(k);
    let runs = 0;
    const w = initWork(allocWork(k), async () => {
      await msleep(k, 1);
      runs++;
    });
    const r = await k.exec('user', async () => {
      queueWork(wq, w);
      while (workBusy(w) !== WORK_BUSY_RUNNING) await k.yield();
      queueWork(wq, w);
      await flushWork(w);
      return runs;
    });
    expect(r).toBe(2);
  });
});

describe('ordered workqueue', () => {
  it('runs one at a time in queueing order', async () => {
    const k = kernel({ strategy: 'random', seed: 3 });
    const wq = allocOrderedWorkqueue(k, 'ordered');
    if (wq === null) throw new Error('alloc');
    const order: number[] = [];
    let active = 0;
    let peak = 0;
    const works = [0, 1, 2, 3, 4, 5].map((i) =>
      initWork(allocWork(k), async () => {
        active++;
        peak = Math.max(peak, active);
        await sleepNs(k, 10 * (6 - i));
        order.push(i);
        active--;
      }),
    );
    k.spawn(
      'a',
      () => {
        for (const w of works.slice(0, 3)) queueWork(wq, w);
      },
      0,
    );
    await k.run();
    k.spawn(
      'b',
      () => {
        for (const w of works.slice(3)) queueWorkOn(1, wq, w);
      },
      1,
    );
    await k.run();
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(1);
  });
});
