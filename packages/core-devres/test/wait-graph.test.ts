import { Kernel, Mutex, Srcu } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

describe('wait-for graph', () => {
  it('synchronize_srcu waiting for a reader that waits for a mutex the caller holds is a deadlock at once', async () => {
    const k = new Kernel();
    const srcu = new Srcu(k, 'dev_srcu');
    const m = new Mutex(k, 'cfg_lock');
    k.spawn('reader', async () => {
      const idx = srcu.srcuReadLock();
      await k.yield(); // the updater takes cfg_lock meanwhile
      await m.lock();
      m.unlock();
      srcu.srcuReadUnlock(idx);
    });
    k.spawn('updater', async () => {
      await m.lock();
      await k.yield();
      await srcu.synchronizeSrcu();
      m.unlock();
    });
    const r = await k.run();
    expect(r.reason).toBe('deadlock');
    const dl = k.reports.filter((x) => x.kind === 'deadlock');
    // One report: the cycle's, filed when it closed; the idle check adds none.
    expect(dl.map((x) => x.resource)).toEqual(['mutex cfg_lock -> synchronize_srcu dev_srcu']);
    expect(dl[0]?.detail).toMatch(/updater\/\d+ holds mutex cfg_lock and waits for synchronize_srcu dev_srcu/);
  });

  it('AA on a mutex: without lockdep a warn and a one-task deadlock; with lockdep the recursive report instead of the warn', async () => {
    for (const lockdep of [false, true]) {
      const k = new Kernel({ lockdep });
      const m = new Mutex(k, 'state_lock');
      k.spawn('twice', async () => {
        await m.lock();
        await m.lock();
      });
      await k.run();
      const kinds = k.reports.map((x) => x.kind);
      expect(kinds).toEqual(lockdep ? ['possible-circular-locking', 'deadlock'] : ['warn', 'deadlock']);
      expect(k.reports.find((x) => x.kind === 'deadlock')?.resource).toBe('mutex state_lock');
    }
  });

  it('the sanitizer off checks nothing and captures nothing', async () => {
    const k = new Kernel({ sanitizer: 'off' });
    const a = new Mutex(k, 'a');
    const b = new Mutex(k, 'b');
    k.spawn('x', async () => {
      await a.lock();
      await k.yield();
      await b.lock();
    });
    k.spawn('y', async () => {
      await b.lock();
      await k.yield();
      await a.lock();
    });
    const r = await k.run();
    expect(r.reason).toBe('deadlock');
    expect(k.reports).toEqual([]);
    expect(k.allTasks.every((t) => t.blockSite === null)).toBe(true);
  });
});
