import {
  type BoundDevice,
  bindScope,
  boundIsCurrent,
  busRegister,
  currentBindingDevice,
  Device,
  devGetDrvdata,
  deviceAdd,
  deviceBind,
  deviceDel,
  deviceReleaseDriver,
  devmAddAction,
  devSetDrvdata,
  driverRegister,
  driverUnregister,
  isKernelError,
  KernelError,
  msleep,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

describe('bind', () => {
  it('deviceAdd binds the first matching driver; probe gets a bound token and driver data sticks', async () => {
    const { k, bus, dev } = world();
    let token: BoundDevice | null = null;
    let during: Device | null | undefined;
    await k.exec('init', async () => {
      await driverRegister(
        bus,
        driver('dev0', (d, b) => {
          token = b;
          during = currentBindingDevice(k);
          devSetDrvdata(d, { priv: 1 });
        }),
      );
      expect(await deviceAdd(dev)).toBe(true);
      expect(currentBindingDevice(k)).toBeNull();
    });
    expect(dev.driver?.name).toBe('dev0');
    expect(during).toBe(dev);
    expect(token).not.toBeNull();
    const b = token as unknown as BoundDevice;
    expect(b.dev).toBe(dev);
    expect(dev.bound).toBe(b);
    expect(boundIsCurrent(b)).toBe(true);
    expect(devGetDrvdata<{ priv: number }>(dev)).toEqual({ priv: 1 });
    expect(bus.devices).toEqual([dev]);
    expect(k.traceLog.map((e) => e.ev)).toEqual(
      expect.arrayContaining(['driver_register', 'device_add', 'probe', 'bound']),
    );
  });

  it('driverRegister binds already-added matching devices; bus match decides who matches', async () => {
    const { k } = world();
    const bus = busRegister(k, 'pci', (d, drv) => d.name.startsWith(drv.name));
    const a = new Device(k, 'edu.0', bus);
    const b = new Device(k, 'edu.1', bus);
    const c = new Device(k, 'other', bus);
    const probed: string[] = [];
    await k.exec('init', async () => {
      for (const d of [a, b, c]) expect(await deviceAdd(d)).toBe(false);
      await driverRegister(
        bus,
        driver('edu', (d) => {
          probed.push(d.name);
        }),
      );
    });
    expect(probed).toEqual(['edu.0', 'edu.1']);
    expect(c.driver).toBeNull();
  });

  it('a failing probe lets the next matching driver try (deviceAdd), as __device_attach does', async () => {
    const { k, bus, dev } = world();
    const first = driver('first', () => {
      throw new KernelError('ENODEV', 'not mine');
    });
    const second = driver('second');
    bus.drivers.push({ ...first, match: () => true }, { ...second, match: () => true });
    expect(await k.exec('add', () => deviceAdd(dev))).toBe(true);
    expect(dev.driver?.name).toBe('second');
  });

  it('errors: duplicate driver -EBUSY, device added twice -EEXIST, binding a bound device -EBUSY', async () => {
    const { k, bus, dev } = world();
    await k.exec('init', async () => {
      await driverRegister(bus, driver('dev0'));
      const dup = await driverRegister(bus, driver('dev0')).catch((e: unknown) => e);
      expect(isKernelError(dup, 'EBUSY')).toBe(true);
      expect((dup as KernelError).errno).toBe(-16);
      await deviceAdd(dev);
      const again = await deviceAdd(dev).catch((e: unknown) => e);
      expect((again as KernelError).errno).toBe(-17);
      const bound = await deviceBind(dev, driver('dev0')).catch((e: unknown) => e);
      expect((bound as KernelError).code).toBe('EBUSY');
    });
  });

  it('each bind makes a new token; an old token is no longer current', async () => {
    const { k, dev } = world();
    await k.exec('t', async () => {
      const b1 = await deviceBind(dev, driver('dev0'));
      await deviceReleaseDriver(dev);
      expect(boundIsCurrent(b1)).toBe(false);
      const b2 = await deviceBind(dev, driver('dev0'));
      expect(b2).not.toBe(b1);
      expect(b2.generation).toBe(b1.generation + 1);
      expect(boundIsCurrent(b2)).toBe(true);
    });
  });
});

describe('probe failure', () => {
  it('remove is not called, devres acquired in probe is released newest first, driver data cleared', async () => {
    const { k, dev } = world();
    const log: string[] = [];
    const drv = driver(
      'dev0',
      (d) => {
        devSetDrvdata(d, { priv: true });
        for (const n of ['a', 'b', 'c']) devmAddAction(d, () => void log.push(`release ${n}`), null, n);
        throw new KernelError('EIO', 'device did not answer');
      },
      () => {
        log.push('remove');
      },
    );
    const err = await k.exec('probe', () => deviceBind(dev, drv)).catch((e: unknown) => e);
    expect(isKernelError(err, 'EIO')).toBe(true);
    expect((err as KernelError).errno).toBe(-5);
    expect(log).toEqual(['release c', 'release b', 'release a']);
    expect(dev.driver).toBeNull();
    expect(dev.bound).toBeNull();
    expect(devGetDrvdata(dev)).toBeNull();
    expect(dev.devres).toEqual([]);
    expect(k.traceLog.some((e) => e.ev === 'probe_failed')).toBe(true);
    expect(k.traceLog.some((e) => e.ev === 'bound')).toBe(false);
  });

  it('deviceAdd swallows a KernelError from probe (the device stays unbound)', async () => {
    const { k, bus, dev } = world();
    bus.drivers.push(
      driver('dev0', () => {
        throw new KernelError('ENOMEM');
      }),
    );
    expect(await k.exec('add', () => deviceAdd(dev))).toBe(false);
    expect(dev.driver).toBeNull();
  });

  it('a non-KernelError from probe (a driver bug) undoes devres; deviceAdd does not fail (dd.c ignores it) but reports it', async () => {
    const { k, bus, dev } = world();
    const log: string[] = [];
    bus.drivers.push(
      driver('dev0', (d) => {
        devmAddAction(d, () => void log.push('undo'), null);
        throw new TypeError('oops');
      }),
    );
    await expect(k.exec('add', () => deviceAdd(dev))).resolves.toBe(false);
    expect(log).toEqual(['undo']);
    expect(dev.driver).toBeNull();
    expect(k.reports.filter((r) => r.kind === 'warn').map((r) => r.detail)).toEqual([
      `probe of ${dev} with dev0 failed: TypeError: oops`,
    ]);
  });
});

describe('unbind', () => {
  it('order: remove(), then devres newest first, then driver data cleared', async () => {
    const { k, dev } = world();
    const log: string[] = [];
    const drv = driver(
      'dev0',
      (d) => {
        devSetDrvdata(d, 'priv');
        for (const n of [1, 2, 3])
          devmAddAction(d, () => void log.push(`devres ${n} drvdata=${String(devGetDrvdata(d))}`), n);
      },
      (d) => {
        log.push(`remove drvdata=${String(devGetDrvdata(d))} binding=${currentBindingDevice(k) === d}`);
      },
    );
    await k.exec('t', async () => {
      await deviceBind(dev, drv);
      await deviceReleaseDriver(dev);
    });
    expect(log).toEqual([
      'remove drvdata=priv binding=true',
      'devres 3 drvdata=priv',
      'devres 2 drvdata=priv',
      'devres 1 drvdata=priv',
    ]);
    expect(devGetDrvdata(dev)).toBeNull();
    expect(dev.driver).toBeNull();
    expect(dev.bound).toBeNull();
    const evs = k.traceLog.map((e) => e.ev).filter((e) => e === 'remove' || e === 'devres_release' || e === 'unbound');
    expect(evs).toEqual(['remove', 'devres_release', 'devres_release', 'devres_release', 'unbound']);
  });

  it('unbinding an unbound device is a no-op', async () => {
    const { k, dev } = world();
    await k.exec('t', () => deviceReleaseDriver(dev));
    expect(k.reports).toEqual([]);
  });

  it('bind and unbind are serialised by the device lock', async () => {
    const { k, dev } = world();
    const log: string[] = [];
    const drv = driver(
      'dev0',
      async () => {
        log.push(`probe start@${k.now}`);
        await msleep(k, 10);
        log.push(`probe end@${k.now}`);
      },
      () => {
        log.push(`remove@${k.now}`);
      },
    );
    k.spawn('bind', () => deviceBind(dev, drv));
    k.spawn('unbind', async () => {
      await msleep(k, 1);
      await deviceReleaseDriver(dev);
    });
    await k.run();
    expect(log).toEqual(['probe start@0', 'probe end@10000000', 'remove@10000000']);
  });

  it('deviceDel unbinds and takes the device off its bus; driverUnregister unbinds its devices', async () => {
    const { k, bus } = world();
    const d1 = new Device(k, 'x', bus);
    const d2 = new Device(k, 'x', bus);
    const removed: string[] = [];
    const drv = driver('x', undefined, (d) => {
      removed.push(`${d.name}:${bus.devices.indexOf(d)}`);
    });
    await k.exec('t', async () => {
      await driverRegister(bus, drv);
      await deviceAdd(d1);
      await deviceAdd(d2);
      await deviceDel(d1);
      expect(bus.devices).toEqual([d2]);
      expect(d1.registered).toBe(false);
      await driverUnregister(bus, drv);
    });
    expect(removed).toEqual(['x:0', 'x:0']);
    expect(d2.driver).toBeNull();
    expect(bus.drivers).toEqual([]);
  });
});

describe('bindScope', () => {
  it('`await using` binds for the scope and unbinds at its exit', async () => {
    const { k, dev } = world();
    const log: string[] = [];
    const drv = driver(
      'dev0',
      (d) => devmAddAction(d, () => void log.push('devres'), null),
      () => {
        log.push('remove');
      },
    );
    await k.exec('t', async () => {
      {
        await using scope = await bindScope(dev, drv);
        expect(boundIsCurrent(scope.bound)).toBe(true);
        log.push('in scope');
      }
      log.push(`after scope bound=${dev.driver !== null}`);
    });
    expect(log).toEqual(['in scope', 'remove', 'devres', 'after scope bound=false']);
  });

  it('unbinds when the scope is left by an exception', async () => {
    const { k, dev } = world();
    const err = await k
      .exec('t', async () => {
        await using _scope = await bindScope(dev, driver('dev0'));
        throw new Error('step failed');
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('step failed');
    expect(dev.driver).toBeNull();
  });
});
