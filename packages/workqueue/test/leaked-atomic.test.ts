// process_one_work()'s "BUG: workqueue leaked atomic, lock or RCU" check
// (kernel/workqueue.c): a work function that returns with a spinlock held,
// an RCU read-side section open or (lockdep on) a mutex held is reported
// with the worker, the counts before and after, and the function.
import { Kernel, Mutex, rcuReadLock, SpinLock } from '@quiesce/core-devres';
import { allocWork, initWork, queueWork, systemWq } from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';

const leaks = (k: Kernel) => k.reports.filter((r) => r.title.startsWith('BUG: workqueue leaked'));

async function runWork(k: Kernel, fn: () => Promise<void> | void): Promise<void> {
  const w = initWork(allocWork(k), async function edu_work() {
    await fn();
  });
  await k.exec('queue', () => {
    queueWork(systemWq(k), w);
  });
  await k.run();
}

describe('workqueue leaked atomic, lock or RCU', () => {
  it('a work that returns with a spinlock held is reported with preempt=0x00000001', async () => {
    const k = new Kernel({ cpus: 1 });
    const lock = new SpinLock(k, 'edu_lock');
    await runWork(k, () => {
      lock.lock(); // the error path forgot spin_unlock
    });
    const r = leaks(k);
    expect(r).toHaveLength(1);
    expect(r[0]?.kind).toBe('warn');
    expect(r[0]?.title).toMatch(/^BUG: workqueue leaked atomic, lock or RCU: kworker\/0:\d+\[\d+\]$/);
    expect(r[0]?.detail).toBe('preempt=0x00000001 lock=0->0 RCU=0->0 workfn=edu_work');
  });

  it('an RCU read-side section left open is reported as RCU=0->1', async () => {
    const k = new Kernel({ cpus: 1 });
    await runWork(k, () => rcuReadLock(k));
    expect(leaks(k).map((r) => r.detail)).toEqual(['preempt=0x00000000 lock=0->0 RCU=0->1 workfn=edu_work']);
  });

  it('with lockdep, a mutex left held is reported as a lock count that grew', async () => {
    const k = new Kernel({ cpus: 1, lockdep: true });
    const m = new Mutex(k, 'edu_mutex');
    await runWork(k, () => m.lock());
    expect(leaks(k).map((r) => r.detail)).toEqual([
      expect.stringMatching(/^preempt=0x00000000 lock=(\d+)->(\d+) RCU=0->0/),
    ]);
    const [, a, b] = /lock=(\d+)->(\d+)/.exec(leaks(k)[0]?.detail ?? '') ?? [];
    expect(Number(b) - Number(a)).toBe(1);
  });

  it('a balanced work is not reported', async () => {
    const k = new Kernel({ cpus: 1, lockdep: true });
    const lock = new SpinLock(k, 'edu_lock');
    const m = new Mutex(k, 'edu_mutex');
    await runWork(k, async () => {
      await m.lock();
      lock.lock();
      lock.unlock();
      m.unlock();
    });
    expect(k.reports).toEqual([]);
  });
});
