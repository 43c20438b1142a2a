import { Kernel, msleep, Srcu } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

describe('Srcu', () => {
  it('readers may sleep; synchronizeSrcu waits for the readers present at the call only', async () => {
    const k = new Kernel();
    const s = new Srcu(k, 'edu_srcu');
    const log: string[] = [];
    k.spawn('early', async () => {
      const idx = s.srcuReadLock();
      await msleep(k, 10); // sleeping inside an SRCU section is allowed
      log.push(`early unlock@${k.now}`);
      s.srcuReadUnlock(idx);
    });
    k.spawn('sync', async () => {
      await msleep(k, 1);
      expect(s.readers).toBe(1);
      await s.synchronizeSrcu();
      log.push(`sync done@${k.now}`);
    });
    k.spawn('later', async () => {
      await msleep(k, 2); // starts after synchronizeSrcu was called
      const idx = s.srcuReadLock();
      await msleep(k, 100);
      log.push(`later unlock@${k.now}`);
      s.srcuReadUnlock(idx);
    });
    const r = await k.run();
    expect(r.reason).toBe('idle');
    expect(log).toEqual(['early unlock@10000000', 'sync done@10000000', 'later unlock@102000000']);
    expect(k.reports).toEqual([]);
    expect(s.readers).toBe(0);
  });

  it('synchronizeSrcu with no readers returns without advancing time', async () => {
    const k = new Kernel();
    const s = new Srcu(k);
    expect(
      await k.exec('t', async () => {
        await s.synchronizeSrcu();
        return k.now;
      }),
    ).toBe(0);
  });

  it('tokens are distinct; an unknown token warns', () => {
    const k = new Kernel();
    const s = new Srcu(k, 'x');
    const a = s.srcuReadLock();
    const b = s.srcuReadLock();
    expect(a).not.toBe(b);
    expect(s.readers).toBe(2);
    s.srcuReadUnlock(a);
    s.srcuReadUnlock(a);
    expect(s.readers).toBe(1);
    expect(k.reports.map((r) => r.title)).toEqual([`WARNING: srcu_read_unlock() with unknown index ${a}`]);
  });

  it('synchronizeSrcu from atomic context is a sleep-in-atomic report', async () => {
    const k = new Kernel();
    const s = new Srcu(k, 'x');
    k.raise('irq', 0, () => {
      void s.synchronizeSrcu();
    });
    await k.run();
    expect(k.sanitizer.byKind('sleep-in-atomic')).toHaveLength(1);
  });
});
