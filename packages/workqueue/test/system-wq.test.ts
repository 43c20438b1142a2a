// The system-workqueue helpers, workRunning, disable_delayed_work_sync and the
// WQ_* flag values (include/linux/workqueue.h).
import { msleep } from '@quiesce/core-devres';
import {
  allocDelayedWork,
  allocWork,
  disableDelayedWorkSync,
  enableDelayedWork,
  initDelayedWork,
  initWork,
  queueDelayedWork,
  queueWork,
  scheduleDelayedWork,
  systemUnboundWq,
  WQ_CPU_INTENSIVE,
  WQ_FREEZABLE,
  WQ_HIGHPRI,
  WQ_MEM_RECLAIM,
  WQ_UNBOUND,
  workRunning,
} from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { kernel, wqOf } from './helpers.js';

const MS = 1_000_000;

describe('system workqueues', () => {
  it('schedule_delayed_work runs the work on system_wq (a per-CPU kworker) after the delay', async () => {
    const k = kernel();
    const seen: string[] = [];
    const dw = initDelayedWork(allocDelayedWork(k), async () => {
      seen.push(`${k.current?.name ?? '?'} @${k.now}`);
    });
    expect(await k.exec('user', () => scheduleDelayedWork(dw, 3 * MS))).toBe(true);
    await k.run();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^kworker\/[01]:\d+ @3000000$/);
  });

  it('system_unbound_wq is one per kernel and runs work on an unbound kworker (kworker/u<pool>:<n>)', async () => {
    const k = kernel();
    expect(systemUnboundWq(k)).toBe(systemUnboundWq(k));
    expect(systemUnboundWq(k)).not.toBe(systemUnboundWq(kernel()));
    let name = '';
    const w = initWork(allocWork(k), async () => {
      name = k.current?.name ?? '';
    });
    await k.exec('user', () => queueWork(systemUnboundWq(k), w));
    await k.run();
    expect(name).toMatch(/^kworker\/u\d+:\d+$/);
  });
});

describe('workRunning', () => {
  it('is true only while a worker executes the work, seen from the work and from another task', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const seen: boolean[] = [];
    const w = initWork(allocWork(k), async () => {
      seen.push(workRunning(w));
      await msleep(k, 2);
    });
    seen.push(workRunning(w)); // never queued
    await k.exec('user', async () => {
      queueWork(wq, w);
      seen.push(workRunning(w)); // queued, not started
      await msleep(k, 1); // the work is asleep inside its function
      seen.push(workRunning(w));
    });
    await k.run();
    seen.push(workRunning(w)); // finished
    expect(seen).toEqual([false, false, true, true, false]);
  });
});

describe('disable_delayed_work_sync', () => {
  it('cancels a pending delayed work (true), which then never runs and cannot be queued until enabled', async () => {
    const k = kernel();
    const wq = wqOf(k);
    let runs = 0;
    const dw = initDelayedWork(allocDelayedWork(k), async () => {
      runs++;
    });
    const r = await k.exec('user', async () => {
      queueDelayedWork(wq, dw, 5 * MS);
      const was = await disableDelayedWorkSync(dw);
      return { was, requeue: queueDelayedWork(wq, dw, 1 * MS) };
    });
    expect(r).toEqual({ was: true, requeue: false });
    await k.run();
    expect(runs).toBe(0);
    expect(enableDelayedWork(dw)).toBe(true);
    expect(await k.exec('user', () => queueDelayedWork(wq, dw, 1 * MS))).toBe(true);
    await k.run();
    expect(runs).toBe(1);
  });

  it('waits for the running instance to return before it returns (false: nothing was pending)', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const log: string[] = [];
    const dw = initDelayedWork(allocDelayedWork(k), async () => {
      log.push(`start @${k.now}`);
      await msleep(k, 4);
      log.push(`end @${k.now}`);
    });
    await k.exec('user', async () => {
      queueDelayedWork(wq, dw, 0);
      await msleep(k, 1); // the work is running now
      const was = await disableDelayedWorkSync(dw);
      log.push(`disabled (${was}) @${k.now}`);
    });
    expect(log).toEqual(['start @0', 'end @4000000', 'disabled (false) @4000000']);
  });
});

describe('WQ_* flags', () => {
  it('have the values of include/linux/workqueue.h', () => {
    expect([WQ_UNBOUND, WQ_FREEZABLE, WQ_MEM_RECLAIM, WQ_HIGHPRI, WQ_CPU_INTENSIVE]).toEqual([
      1 << 1,
      1 << 2,
      1 << 3,
      1 << 4,
      1 << 5,
    ]);
  });
});
