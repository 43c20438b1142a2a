import {
  allocDelayedWork,
  cancelDelayedWork,
  cancelDelayedWorkSync,
  delayedWorkPending,
  disableDelayedWork,
  enableDelayedWork,
  flushDelayedWork,
  initDelayedWork,
  modDelayedWork,
  queueDelayedWork,
} from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { kernel, wqOf } from './helpers.js';

const MS = 1_000_000;

describe('delayed work', () => {
  it('queue_delayed_work: false if pending; runs at now + delay; delay 0 queues now', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const at: number[] = [];
    const dw = initDelayedWork(allocDelayedWork(k), async function tick() {
      at.push(k.now);
    });
    const r = await k.exec('user', () => [queueDelayedWork(wq, dw, 10 * MS), queueDelayedWork(wq, dw, 1 * MS)]);
    await k.run(); // exec returns when its task exits; the rest runs here
    expect(r).toEqual([true, false]);
    expect(at).toEqual([10 * MS]);
    await k.exec('user', () => queueDelayedWork(wq, dw, 0));
    await k.run(); // exec returns when its task exits; the rest runs here
    expect(at).toEqual([10 * MS, 10 * MS]);
  });

  it('mod_delayed_work: false when idle (now queued), true when pending (timer moved)', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const at: number[] = [];
    const dw = initDelayedWork(allocDelayedWork(k), async function tick() {
      at.push(k.now);
    });
    const r = await k.exec('user', () => [modDelayedWork(wq, dw, 10 * MS), modDelayedWork(wq, dw, 3 * MS)]);
    await k.run(); // exec returns when its task exits; the rest runs here
    expect(r).toEqual([false, true]);
    expect(at).toEqual([3 * MS]);
  });

  it('mod_delayed_work on a queued (timer already fired) work takes it back: true', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const at: number[] = [];
    const dw = initDelayedWork(allocDelayedWork(k), async function tick() {
      at.push(k.now);
    });
    const r = await k.exec('user', () => [queueDelayedWork(wq, dw, 0), modDelayedWork(wq, dw, 5 * MS)]);
    await k.run(); // exec returns when its task exits; the rest runs here
    expect(r).toEqual([true, true]);
    expect(at).toEqual([5 * MS]);
  });

  it('mod_delayed_work on a disabled work only cancels', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const dw = initDelayedWork(allocDelayedWork(k), async () => undefined);
    disableDelayedWork(dw);
    expect(modDelayedWork(wq, dw, MS)).toBe(false);
    expect(delayedWorkPending(dw)).toBe(false);
    expect(queueDelayedWork(wq, dw, MS)).toBe(false);
    expect(enableDelayedWork(dw)).toBe(true);
    expect(queueDelayedWork(wq, dw, MS)).toBe(true);
  });

  it('cancel_delayed_work disarms the timer; the work never runs', async () => {
    const k = kernel();
    const wq = wqOf(k);
    let runs = 0;
    const dw = initDelayedWork(allocDelayedWork(k), async () => {
      runs++;
    });
    const r = await k.exec('user', () => {
      queueDelayedWork(wq, dw, 10 * MS);
      return [cancelDelayedWork(dw), cancelDelayedWork(dw), k.armedTimers];
    });
    expect(r).toEqual([true, false, 0]);
    expect(runs).toBe(0);
  });

  it('cancel_delayed_work_sync stops a self-rearming delayed work', async () => {
    // It rearms itself each millisecond; stop it from another task at 5.5 ms.
    const k2 = kernel();
    const wq2 = wqOf(k2);
    let runs2 = 0;
    const dw2 = initDelayedWork(allocDelayedWork(k2), async function poll2() {
      runs2++;
      queueDelayedWork(wq2, dw2, MS);
    });
    k2.spawn('user', () => queueDelayedWork(wq2, dw2, MS));
    await k2.runFor(5.5 * MS);
    expect(runs2).toBe(5);
    const ret = await k2.exec('stopper', () => cancelDelayedWorkSync(dw2));
    expect(ret).toBe(true);
    await k2.runFor(10 * MS);
    expect(runs2).toBe(5);
    expect(k2.armedTimers).toBe(0);
  });

  it('flush_delayed_work queues an armed work at once, then waits for it', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const at: number[] = [];
    const dw = initDelayedWork(allocDelayedWork(k), async () => {
      at.push(k.now);
    });
    const r = await k.exec('user', async () => {
      queueDelayedWork(wq, dw, 100 * MS);
      const waited = await flushDelayedWork(dw);
      return [waited, at.length, k.now, k.armedTimers];
    });
    expect(r).toEqual([true, 1, 0, 0]);
  });
});
