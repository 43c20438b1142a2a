// The operation census (docs/design.md §9): exact counts of the kernel
// primitives a path executes. Expected counts come from what the kernel
// function each primitive mirrors executes, never from a census run.
import {
  Census,
  censusOf,
  Devres,
  deviceBind,
  FencedView,
  Kernel,
  Mutex,
  msleep,
  Revocable,
  rcuReadLock,
  rcuReadUnlock,
  SpinLock,
  Srcu,
  synchronizeRcu,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

describe('Census windows', () => {
  it('is off by default, and then handles keep their classes’ own prototypes', () => {
    // Sanitizer off too: a sanitizer kernel's handles get the offset-checking prototype (mmio-check.ts).
    const k = new Kernel({ sanitizer: 'off' });
    expect(k.census).toBeNull();
    const v = new FencedView(k, 'bar', new DataView(new ArrayBuffer(16)));
    expect(Object.getPrototypeOf(v)).toBe(FencedView.prototype);
    const r = new Revocable(k, 1);
    expect(Object.hasOwn(r, 'tryAccess')).toBe(false);
    expect(() => censusOf(k, 'x', () => 0)).toThrow(/without \{ census: true \}/);
  });

  it('counts in every open window, drops ops outside any, and keeps per-path totals', () => {
    const c = new Census();
    c.count('barrier');
    c.begin('outer');
    c.count('atomic_rmw');
    c.begin('inner');
    c.countAll('spin_lock', 'spin_unlock');
    expect(c.end()).toEqual({ spin_lock: 1, spin_unlock: 1 });
    expect(c.end()).toEqual({ atomic_rmw: 1, spin_lock: 1, spin_unlock: 1 });
    c.begin('outer');
    c.count('atomic_rmw', 2);
    c.end();
    expect(c.paths()).toEqual({
      outer: { atomic_rmw: 3, spin_lock: 1, spin_unlock: 1 },
      inner: { spin_lock: 1, spin_unlock: 1 },
    });
    expect(() => c.end()).toThrow(/no open window/);
    c.begin('p');
    // @ts-expect-error an op the census does not know
    expect(() => c.count('rcu_lock')).toThrow(TypeError);
  });

  it('censusOf awaits an async path and closes the window on an error', async () => {
    const k = new Kernel({ census: true });
    const r = await censusOf(k, 'sleep', () => k.exec('t', () => msleep(k, 1)));
    // schedule_timeout(): a timer armed and cancelled, the wake-up, the sleeper switched back in.
    expect(r.counts).toMatchObject({ timer_arm: 1, timer_cancel: 1, wake_up: 1 });
    expect(() =>
      censusOf(k, 'boom', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(k.census?.currentPath).toBeNull();
  });
});

describe('Census of the core primitives', () => {
  it('RCU: lock and unlock once each; synchronize_rcu is one call and one grace period, not a timer', async () => {
    const k = new Kernel({ census: true });
    const { counts } = await censusOf(k, 'rcu', () =>
      k.exec('t', async () => {
        rcuReadLock(k);
        rcuReadUnlock(k);
        await synchronizeRcu(k);
      }),
    );
    expect(counts.rcu_read_lock).toBe(1);
    expect(counts.rcu_read_unlock).toBe(1);
    expect(counts.synchronize_rcu).toBe(1);
    expect(counts.gp_rcu).toBe(1);
    expect(counts.timer_arm).toBeUndefined();
  });

  it('SRCU, spinlocks (plain and irqsave) and mutexes', async () => {
    const k = new Kernel({ census: true });
    const s = new Srcu(k);
    const l = new SpinLock(k);
    const m = new Mutex(k);
    const { counts } = await censusOf(k, 'locks', () =>
      k.exec('t', async () => {
        s.srcuReadUnlock(s.srcuReadLock());
        await s.synchronizeSrcu();
        l.lock();
        l.unlock();
        l.lockIrqsave();
        l.unlockIrqrestore();
        await m.lock();
        m.unlock();
      }),
    );
    expect(counts).toMatchObject({
      srcu_read_lock: 1,
      srcu_read_unlock: 1,
      synchronize_srcu: 1,
      gp_srcu: 1,
      spin_lock: 1,
      spin_unlock: 1,
      spin_lock_irqsave: 1,
      spin_unlock_irqrestore: 1,
      mutex_lock: 1,
      mutex_unlock: 1,
    });
  });

  it('a wake-up from a task on another CPU is a wake-up and an IPI; the woken task is switched in', async () => {
    const k = new Kernel({ census: true, cpus: 2 });
    let sleeper: ReturnType<Kernel['spawn']> | null = null;
    let ready = false;
    sleeper = k.spawn(
      'sleeper',
      async () => {
        while (!ready) await k.block('wait');
      },
      1,
    );
    await k.run();
    const { counts } = await censusOf(k, 'wake', async () => {
      k.spawn(
        'waker',
        () => {
          ready = true;
          k.wake(sleeper as NonNullable<typeof sleeper>);
        },
        0,
      );
      await k.run();
    });
    // Two tasks switched in (the waker, then the sleeper on CPU 1), one remote wake-up.
    expect(counts).toEqual({ wake_up: 1, ipi: 1, context_switch: 2 });
  });

  it('Revocable: tryAccess is rcu_read_lock + an atomic load + rcu_read_unlock; revoke is a swap and a grace period', async () => {
    const k = new Kernel({ census: true });
    const r = new Revocable(k, 7);
    expect(censusOf(k, 'try', () => r.tryAccess())).toEqual({
      value: 7,
      counts: { rcu_read_lock: 1, rcu_read_unlock: 1, atomic_load: 1 },
    });
    const g = censusOf(k, 'guard', () => {
      const guard = r.tryAccessWithGuard();
      guard?.release();
      return guard?.value;
    });
    expect(g).toEqual({ value: 7, counts: { rcu_read_lock: 1, rcu_read_unlock: 1, atomic_load: 1 } });
    const { counts } = await censusOf(k, 'revoke', () => k.exec('t', () => r.revoke()));
    expect(counts).toMatchObject({ atomic_rmw: 1, synchronize_rcu: 1, gp_rcu: 1 });
    // Revoked: the check still runs (lock, load, unlock) and finds nothing.
    expect(censusOf(k, 'late', () => r.tryAccess())).toEqual({
      value: null,
      counts: { rcu_read_lock: 1, rcu_read_unlock: 1, atomic_load: 1 },
    });
  });

  it('FencedView: a readl is one MMIO read and nothing else; a writel one MMIO write', () => {
    const k = new Kernel({ census: true });
    const v = new FencedView(k, 'bar', new DataView(new ArrayBuffer(16)));
    expect(censusOf(k, 'r', () => v.readl(4)).counts).toEqual({ mmio_read: 1 });
    expect(censusOf(k, 'w', () => v.writel(1, 4)).counts).toEqual({ mmio_write: 1 });
    expect(censusOf(k, 'r8', () => v.readq(8)).counts).toEqual({ mmio_read: 1 });
    // Released: the dead prototype still traps (sanitizer on: a report, all ones).
    v.release();
    expect(censusOf(k, 'stale', () => v.readl(4)).value).toBe(0xffff_ffff);
    expect(k.reports.some((r) => r.kind === 'use-after-remove')).toBe(true);
  });

  it('Devres.access(bound) is one pointer compare; unbinding N Devres waits N grace periods', async () => {
    for (const n of [1, 100]) {
      const w = world({ census: true });
      const all: Devres<number>[] = [];
      const bound = await w.k.exec('bind', () =>
        deviceBind(
          w.dev,
          driver('dev0', (dev) => {
            for (let i = 0; i < n; i++) all.push(new Devres(dev, i, `d${i}`));
          }),
        ),
      );
      expect(censusOf(w.k, 'access', () => all[0]?.access(bound)).counts).toEqual({ check: 1 });
      const { deviceReleaseDriver } = await import('@quiesce/core-devres');
      const { counts } = await w.k.exec('unbind', () => censusOf(w.k, 'unbind', () => deviceReleaseDriver(w.dev)));
      expect(counts.gp_rcu).toBe(n);
      expect(counts.synchronize_rcu).toBe(n);
      expect(counts.atomic_rmw).toBe(n);
      // device_lock() around the unbind.
      expect(counts.mutex_lock).toBe(1);
      expect(counts.mutex_unlock).toBe(1);
    }
  });
});
