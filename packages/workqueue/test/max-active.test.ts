import { type Kernel, msleep, SpinLock } from '@quiesce/core-devres';
import {
  allocOrderedWorkqueue,
  allocWork,
  initWork,
  queueWork,
  type Workqueue,
  WQ_UNBOUND,
  workqueueSetMaxActive,
} from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { kernel, warnings, wqOf } from './helpers.js';

const MS = 1_000_000;

/** Queues `n` works that each record their start and sleep `ms`. */
function queueSleepers(k: Kernel, wq: Workqueue, n: number, ms: number, log: string[]): void {
  for (let i = 0; i < n; i++) {
    const w = initWork(allocWork(k), async () => {
      log.push(`w${i}@${k.now / MS}`);
      await msleep(k, ms);
    });
    queueWork(wq, w);
  }
}

describe('workqueue_set_max_active', () => {
  it('raising it activates waiting items at once, oldest first', async () => {
    const k = kernel();
    const wq = wqOf(k, 'q', WQ_UNBOUND, 1);
    const log: string[] = [];
    queueSleepers(k, wq, 4, 10, log);
    k.spawn('tuner', async () => {
      await msleep(k, 5);
      workqueueSetMaxActive(wq, 3);
    });
    await k.run();
    expect(log).toEqual(['w0@0', 'w1@5', 'w2@5', 'w3@10']);
    expect(wq.maxActive).toBe(3);
    expect(k.reports).toEqual([]);
  });

  it('lowering it lets running items finish and holds new activations back', async () => {
    const k = kernel();
    const wq = wqOf(k, 'q', WQ_UNBOUND, 3);
    const log: string[] = [];
    queueSleepers(k, wq, 5, 10, log);
    k.spawn('tuner', async () => {
      await msleep(k, 5);
      workqueueSetMaxActive(wq, 1);
    });
    await k.run();
    // w0..w2 keep running to 10 ms; then one at a time.
    expect(log).toEqual(['w0@0', 'w1@0', 'w2@0', 'w3@10', 'w4@20']);
  });

  it('out of range is clamped to 1..2048 with the alloc_workqueue warning; 0 is clamped to 1', async () => {
    const k = kernel();
    const wq = wqOf(k, 'q', WQ_UNBOUND, 4);
    await k.exec('t', () => {
      workqueueSetMaxActive(wq, 0);
      expect(wq.maxActive).toBe(1);
      workqueueSetMaxActive(wq, 5000);
      expect(wq.maxActive).toBe(2048);
    });
    expect(warnings(k)).toEqual([
      'workqueue: max_active 0 requested for q is out of range, clamping between 1 and 2048',
      'workqueue: max_active 5000 requested for q is out of range, clamping between 1 and 2048',
    ]);
    await expect(k.exec('t', () => workqueueSetMaxActive(wq, 2.5))).rejects.toThrow(TypeError);
  });

  it('an ordered workqueue: WARN and nothing changes (still one at a time)', async () => {
    const k = kernel();
    const wq = allocOrderedWorkqueue(k, 'ord') as Workqueue;
    const log: string[] = [];
    queueSleepers(k, wq, 2, 10, log);
    await k.exec('t', () => workqueueSetMaxActive(wq, 8));
    await k.run();
    expect(wq.maxActive).toBe(1);
    expect(log).toEqual(['w0@0', 'w1@10']);
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
    expect(k.reports[0]?.detail).toContain('ordered');
  });

  it('may sleep: under a spinlock it is sleep-in-atomic', async () => {
    const k = kernel();
    const wq = wqOf(k, 'q', 0, 4);
    const l = new SpinLock(k, 'l');
    await k.exec('t', () => {
      l.lock();
      workqueueSetMaxActive(wq, 2);
      l.unlock();
    });
    expect(k.reports.map((r) => r.kind)).toEqual(['sleep-in-atomic']);
  });
});
