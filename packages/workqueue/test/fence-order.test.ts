// The devm work's fence goes through the core Fence: flag first, then
// disable_work_sync's wait; a self-requeue during the wait is refused; the
// one callback-after-fence report comes from the core.
import {
  busRegister,
  Device,
  type Driver,
  deviceAdd,
  deviceReleaseDriver,
  driverRegister,
  type Kernel,
  msleep,
} from '@quiesce/core-devres';
import {
  allocWork,
  allocWorkqueue,
  devmAllocWorkqueue,
  devmWorkInit,
  queueWork,
  type Workqueue,
  type WorkStruct,
  workBusy,
} from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { kernel } from './helpers.js';

const MS = 1_000_000;

interface Bound {
  k: Kernel;
  dev: Device;
  work: WorkStruct;
  wq: Workqueue;
  runs: number[];
}

/** A bound device whose devm work sleeps `sleepMs` and then requeues itself. */
async function bound(sleepMs: number): Promise<Bound> {
  const k = kernel();
  const bus = busRegister(k, 'platform');
  const dev = new Device(k, 'edu', bus);
  const runs: number[] = [];
  let work: WorkStruct | null = null;
  let wq: Workqueue | null = null;
  const drv: Driver = {
    name: 'edu',
    owner: null,
    async probe(d) {
      const q = devmAllocWorkqueue(d, 'edu_wq');
      if (q === null) throw new Error('alloc');
      wq = q;
      work = devmWorkInit(d, allocWork(k), async function edu_work(w) {
        runs.push(k.now);
        await msleep(k, sleepMs);
        queueWork(q, w);
      });
      queueWork(q, work);
    },
  };
  k.spawn('probe', async () => {
    await driverRegister(bus, drv);
    await deviceAdd(dev);
  });
  await k.runFor(0);
  return { k, dev, work: work as unknown as WorkStruct, wq: wq as unknown as Workqueue, runs };
}

describe('devm work fence order (core Fence)', () => {
  it('the flag closes before disable_work_sync waits; the self-requeue during the wait is refused, quietly', async () => {
    const { k, dev, work, runs } = await bound(2);
    await k.runFor(1 * MS); // the work runs at 0 and sleeps until 2 ms
    const u = k.spawn('unbind', () => deviceReleaseDriver(dev));
    await k.runFor(10 * MS);
    await u.result();
    const ev = (name: string) =>
      k.traceLog.filter((e) => e.ev === name && e.detail.startsWith('work edu_work')).map((e) => [e.t, e.detail]);
    expect(ev('fence_close')).toEqual([[1 * MS, 'work edu_work']]);
    expect(ev('fence_refused')).toEqual([[2 * MS, 'work edu_work: queue_work (fencing)']]);
    expect(ev('fence_done')).toEqual([[2 * MS, 'work edu_work']]);
    expect(runs).toEqual([0]);
    expect(work.refusedAfterFence).toBe(1);
    expect(workBusy(work)).toBe(0);
    expect(k.reports).toEqual([]);
  });

  it('after the fence a queue_work is refused and counted, with no report (the kernel refuses a disabled work too)', async () => {
    const { k, dev, work } = await bound(1);
    const u = k.spawn('unbind', () => deviceReleaseDriver(dev));
    await k.runFor(5 * MS);
    await u.result();
    const before = work.refusedAfterFence;
    // The driver's own workqueue is destroyed by its fence; any other wq shows the refusal.
    const wq2 = allocWorkqueue(k, 'other_wq');
    if (wq2 === null) throw new Error('alloc');
    expect(queueWork(wq2, work)).toBe(false);
    expect(work.refusedAfterFence).toBe(before + 1);
    await k.runFor(5 * MS);
    expect(k.reports).toEqual([]);
  });

  it('a fenced work that reaches a worker anyway is not called: the core files the one callback-after-fence report', async () => {
    // White box: close the fence by hand with the work queued (disable_work_sync
    // never lets this happen); the dispatch path must still refuse and report.
    const { k, work, wq, runs } = await bound(1);
    // The work runs at 0 and sleeps until 1 ms: queue it again (running, not pending), then close by hand.
    expect(queueWork(wq, work)).toBe(true);
    expect(work.fence).not.toBeNull();
    if (work.fence !== null) work.fence.closed = true;
    await k.runFor(2 * MS);
    expect(runs).toEqual([0]);
    expect(k.reports.map((r) => [r.kind, r.resource, r.title])).toEqual([
      ['callback-after-fence', 'work edu_work', 'BUG: work dispatch on fenced work edu_work'],
    ]);
  });
});
