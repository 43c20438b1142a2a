import { Kernel, msleep, Revocable } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

describe('Revocable', () => {
  it('tryAccess returns the value until revoked, then null', async () => {
    const k = new Kernel();
    const r = new Revocable(k, { reg: 1 }, 'bar');
    expect(r.tryAccess()).toEqual({ reg: 1 });
    expect(r.isRevoked()).toBe(false);
    await k.exec('t', () => r.revoke());
    expect(r.tryAccess()).toBeNull();
    expect(r.tryAccessWithGuard()).toBeNull();
    expect(r.isRevoked()).toBe(true);
  });

  it('a guard reader spanning a msleep delays revoke() until it ends; a reader after revoke sees null', async () => {
    const k = new Kernel(); // grace period 1 ms
    const value = { reg: 42 };
    const r = new Revocable(k, value, 'bar');
    const log: string[] = [];
    k.spawn('reader', async () => {
      const g = r.tryAccessWithGuard();
      expect(g).not.toBeNull();
      log.push(`reader got ${g?.value.reg}@${k.now}`);
      await msleep(k, 10);
      log.push(`reader still sees ${g?.value.reg}@${k.now}`);
      g?.release();
    });
    k.spawn('revoker', async () => {
      const revoked = await r.revoke();
      log.push(`revoke returned ${revoked}@${k.now}`);
    });
    k.spawn('late reader', async () => {
      await msleep(k, 5);
      log.push(`late: tryAccess=${r.tryAccess()} guard=${r.tryAccessWithGuard()} readers=${r.readers}@${k.now}`);
    });
    await k.run();
    expect(log).toEqual([
      'reader got 42@0',
      'late: tryAccess=null guard=null readers=1@5000000',
      'reader still sees 42@10000000',
      // guard released at 10 ms, then one grace period (1 ms)
      'revoke returned true@11000000',
    ]);
    expect(r.readers).toBe(0);
  });

  it('revoke() returns true the first time, false after; the value is dropped once', async () => {
    const k = new Kernel();
    const dropped: string[] = [];
    const r = new Revocable(k, 'v', 'x', (v) => dropped.push(v));
    const results = await k.exec('t', async () => [await r.revoke(), await r.revoke(), r.revokeNosync()]);
    expect(results).toEqual([true, false, false]);
    expect(dropped).toEqual(['v']);
  });

  it('concurrent revokers: exactly one gets true', async () => {
    const k = new Kernel();
    const r = new Revocable(k, 1, 'x');
    const a = k.spawn('a', () => r.revoke());
    const b = k.spawn('b', () => r.revoke());
    await k.run();
    expect([await a.result(), await b.result()].sort()).toEqual([false, true]);
  });

  it('revokeNosync drops at once without waiting; with a held guard it is a report', async () => {
    const k = new Kernel();
    const dropped: number[] = [];
    const clean = new Revocable(k, 1, 'clean', (v) => dropped.push(v));
    expect(clean.revokeNosync()).toBe(true);
    expect(dropped).toEqual([1]);
    expect(clean.revokeNosync()).toBe(false);
    expect(k.reports).toEqual([]);

    const held = new Revocable(k, 2, 'held', (v) => dropped.push(v));
    const g = held.tryAccessWithGuard();
    expect(held.revokeNosync()).toBe(true);
    expect(dropped).toEqual([1, 2]);
    expect(k.reports).toHaveLength(1);
    expect(k.reports[0]).toMatchObject({
      kind: 'use-after-remove',
      title: 'BUG: revoke_nosync of held with 1 reader(s) inside',
      resource: 'held',
    });
    g?.release();
  });

  it('a guard is released exactly once (a second release warns); `using` releases it', async () => {
    const k = new Kernel();
    const r = new Revocable(k, 'v', 'r');
    const g = r.tryAccessWithGuard();
    expect(r.readers).toBe(1);
    g?.release();
    g?.release();
    expect(r.readers).toBe(0);
    expect(k.reports.map((x) => x.title)).toEqual(['WARNING: RevocableGuard of r released twice']);
    {
      using g2 = r.tryAccessWithGuard();
      expect(g2?.value).toBe('v');
      expect(r.readers).toBe(1);
    }
    expect(r.readers).toBe(0);
  });

  it('the value is dropped only after the grace period', async () => {
    const k = new Kernel({ rcuGracePeriodNs: 2_000_000 });
    let droppedAt = -1;
    const r = new Revocable(k, 'v', 'r', () => {
      droppedAt = k.now;
    });
    await k.exec('t', () => r.revoke());
    expect(droppedAt).toBe(2_000_000);
  });
});
