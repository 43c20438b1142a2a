import { Devres, deviceBind, deviceReleaseDriver, isKernelError, type KernelError, msleep } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

describe('Devres<T>', () => {
  it('access(bound) returns the value; a BoundDevice of another device is -EINVAL', async () => {
    const a = world();
    const other = world({});
    const value = { bar0: 'mapping' };
    let res: Devres<typeof value> | null = null;
    await a.k.exec('t', async () => {
      const bound = await deviceBind(
        a.dev,
        driver('dev0', (dev) => {
          res = new Devres(dev, value, 'bar0');
        }),
      );
      const d = res as unknown as Devres<typeof value>;
      expect(d.access(bound)).toBe(value);
      expect(d.tryAccess()).toBe(value);
      expect(d.isRevoked()).toBe(false);
    });
    const wrong = await other.k.exec('t', () => deviceBind(other.dev, driver('dev0')));
    let err: unknown;
    try {
      (res as unknown as Devres<typeof value>).access(wrong);
    } catch (e) {
      err = e;
    }
    expect(isKernelError(err, 'EINVAL')).toBe(true);
    expect((err as KernelError).errno).toBe(-22);
  });

  it('is revoked at unbind: tryAccess is null afterwards and the release runs after the fence', async () => {
    const w = world();
    const log: string[] = [];
    let d: Devres<string> | null = null;
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          d = new Devres(dev, 'payload', 'buf', (v) => log.push(`release ${v} revoked=${d?.isRevoked()}`));
        }),
      );
      expect(d?.tryAccess()).toBe('payload');
      await deviceReleaseDriver(w.dev);
    });
    const dv = d as unknown as Devres<string>;
    expect(dv.tryAccess()).toBeNull();
    expect(dv.tryAccessWithGuard()).toBeNull();
    expect(dv.isRevoked()).toBe(true);
    expect(log).toEqual(['release payload revoked=true']);
    // revoke waits one RCU grace period (1 ms by default)
    expect(w.k.now).toBe(1_000_000);
  });

  it('a guard held across a sleep delays unbind until it is released', async () => {
    const w = world();
    let d: Devres<number> | null = null;
    let unboundAt = -1;
    await w.k.exec('bind', () =>
      deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          d = new Devres(dev, 7, 'v');
        }),
      ),
    );
    w.k.spawn('reader', async () => {
      const g = d?.tryAccessWithGuard();
      await msleep(w.k, 20);
      expect(g?.value).toBe(7);
      g?.release();
    });
    w.k.spawn('unbind', async () => {
      await deviceReleaseDriver(w.dev);
      unboundAt = w.k.now;
    });
    await w.k.run();
    // guard released at 20 ms, then a 1 ms grace period
    expect(unboundAt).toBe(21_000_000);
  });

  it('registering under -ENOMEM throws and registers nothing', async () => {
    const w = world();
    w.k.failNextAllocations(1);
    expect(() => new Devres(w.dev, 1)).toThrow(/ENOMEM/);
    expect(w.dev.devres).toEqual([]);
  });
});
