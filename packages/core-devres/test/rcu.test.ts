import { Kernel, rcuReaders, rcuReadLock, rcuReadUnlock, synchronizeRcu } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

describe('synchronizeRcu', () => {
  it('waits for a reader that was inside when it was called, and not for one that started later', async () => {
    // Grace period 0 so that the later reader (which only yields) cannot hold the clock still.
    const k = new Kernel({ rcuGracePeriodNs: 0 });
    const log: string[] = [];
    let syncDone = false;
    let laterSawSyncDone = false;
    k.spawn('early', async () => {
      rcuReadLock(k);
      log.push('early lock');
      // Preempted inside the section a few times (a preemptible-RCU reader).
      for (let i = 0; i < 3; i++) await k.yield();
      log.push('early unlock');
      rcuReadUnlock(k);
    });
    k.spawn('sync', async () => {
      expect(rcuReaders(k)).toBe(1);
      k.spawn('later', async () => {
        rcuReadLock(k);
        log.push('later lock');
        for (let i = 0; i < 50 && !syncDone; i++) await k.yield();
        laterSawSyncDone = syncDone;
        log.push('later unlock');
        rcuReadUnlock(k);
      });
      await synchronizeRcu(k);
      syncDone = true;
      log.push('sync done');
    });
    const r = await k.run();
    expect(r.reason).toBe('idle');
    expect(log.indexOf('early unlock')).toBeLessThan(log.indexOf('sync done'));
    expect(log.indexOf('later lock')).toBeLessThan(log.indexOf('sync done'));
    expect(log.indexOf('sync done')).toBeLessThan(log.indexOf('later unlock'));
    expect(laterSawSyncDone).toBe(true);
    expect(rcuReaders(k)).toBe(0);
    expect(k.reports).toEqual([]);
  });

  it('takes a grace period of virtual time from the call', async () => {
    const k = new Kernel();
    expect(
      await k.exec('s', async () => {
        await synchronizeRcu(k);
        return k.now;
      }),
    ).toBe(1_000_000);
    const k2 = new Kernel({ rcuGracePeriodNs: 5000 });
    expect(
      await k2.exec('s', async () => {
        await synchronizeRcu(k2);
        return k2.now;
      }),
    ).toBe(5000);
  });

  it('nests; an unbalanced unlock warns', async () => {
    const k = new Kernel();
    await k.exec('t', () => {
      rcuReadLock(k);
      rcuReadLock(k);
      expect(rcuReaders(k)).toBe(1);
      expect(k.current?.rcuDepth).toBe(2);
      rcuReadUnlock(k);
      expect(rcuReaders(k)).toBe(1);
      rcuReadUnlock(k);
      expect(rcuReaders(k)).toBe(0);
      rcuReadUnlock(k);
    });
    expect(k.reports.map((r) => r.title)).toEqual(['WARNING: rcu_read_unlock() without rcu_read_lock()']);
  });

  it('an atomic callback that returns inside a read-side section warns, and its reader is closed', async () => {
    const k = new Kernel();
    k.raise('leaky', 0, () => {
      rcuReadLock(k);
      expect(rcuReaders(k)).toBe(1);
    });
    await k.run();
    expect(rcuReaders(k)).toBe(0);
    expect(k.reports.map((r) => r.title)).toEqual(['WARNING: rcu_read_lock() held at the end of an atomic callback']);
  });

  it('readers in atomic callbacks are balanced without warnings', async () => {
    const k = new Kernel();
    k.raise('ok', 0, () => {
      rcuReadLock(k);
      rcuReadUnlock(k);
    });
    await k.run();
    expect(k.reports).toEqual([]);
  });

  it('rcuReadLock outside a task or callback throws', () => {
    const k = new Kernel();
    expect(() => rcuReadLock(k)).toThrow(/outside a task/);
  });
});
