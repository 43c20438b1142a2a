import {
  busRegister,
  Device,
  type Driver,
  deviceAdd,
  deviceReleaseDriver,
  devresAdd,
  driverRegister,
  isKernelError,
  Kernel,
  msleep,
} from '@quiesce/core-devres';
import { devmMiscRegister, type MiscMode, miscDeregister, miscRegister, miscRegistered, open } from '@quiesce/miscdev';
import { describe, expect, it } from 'vitest';
import { IOC_SLEEP_READ, makeBar, makeTestMisc, type TestMisc } from './helpers/driver.js';
import { FakeModule } from './helpers/fake-owner.js';

const N = 4;

interface Outcome {
  k: Kernel;
  /** Trace events relevant to the ordering claims, in order. */
  events: string[];
  results: string[];
}

/**
 * A bound device whose probe maps a BAR (devres, released at unbind) and
 * registers a misc device with devm in `mode`. N users each open the node
 * and issue ioctls that read the BAR, sleep 1..3 ms and read it again; a
 * remover unbinds after a short, seed-dependent delay.
 */
async function unbindDuringIoctls(seed: number, mode: MiscMode): Promise<Outcome> {
  const k = new Kernel({ strategy: 'random', seed });
  const bus = busRegister(k, 'test');
  const dev = new Device(k, 'edu0', bus);
  const mod = new FakeModule('edu');
  let misc: TestMisc | null = null;
  const drv: Driver = {
    name: 'edu0',
    owner: mod,
    async probe(d) {
      const bar = makeBar(k, 'edu BAR0');
      devresAdd(d, { name: 'iomap BAR0', release: () => bar.view.release() });
      misc = makeTestMisc(k, bar, { name: 'edu', mode, owner: mod, sleepMs: 1 + (seed % 3) });
      await devmMiscRegister(d, misc);
    },
  };
  await k.exec('boot', async () => {
    await driverRegister(bus, drv);
    await deviceAdd(dev);
  });
  const results: string[] = [];
  for (let i = 0; i < N; i++) {
    k.spawn(`user${i}`, async () => {
      let h: Awaited<ReturnType<typeof open>>;
      try {
        h = await open(k, '/dev/edu');
      } catch (e) {
        if (isKernelError(e)) return void results.push(`open ${e.code}`);
        throw e;
      }
      for (let j = 0; j < 3; j++) {
        try {
          await h.ioctl(IOC_SLEEP_READ);
          results.push('ok');
        } catch (e) {
          if (!isKernelError(e)) throw e;
          results.push(e.code);
        }
      }
      await h.close();
    });
  }
  k.spawn('remover', async () => {
    await msleep(k, 1 + (seed % 4));
    for (let i = 0; i < seed % 5; i++) await k.yield();
    k.trace('unbind_start', '');
    await deviceReleaseDriver(dev);
    k.trace('unbind_done', '');
  });
  const r = await k.run();
  expect(r.reason).toBe('idle');
  expect(misc).not.toBeNull();
  const interesting = new Set(['drv_ioctl_enter', 'drv_ioctl_exit', 'misc_fence', 'unbind_start', 'unbind_done']);
  const events = k.traceLog
    .filter((e) => interesting.has(e.ev) || (e.ev === 'release' && e.detail === 'edu BAR0'))
    .map((e) => (e.ev === 'release' ? 'bar_release' : e.ev));
  return { k, events, results };
}

describe('fenced misc deregister at unbind', () => {
  it('waits for in-flight ioctls; none starts after the fence; the BAR is never touched after release (200 seeds)', async () => {
    let sawInFlight = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { k, events, results } = await unbindDuringIoctls(seed, 'fenced');
      expect(k.reports, `seed ${seed}\n${k.dmesg()}`).toEqual([]);
      const fence = events.indexOf('misc_fence');
      const release = events.indexOf('bar_release');
      const done = events.indexOf('unbind_done');
      expect(fence, `seed ${seed}`).toBeGreaterThan(0);
      expect(release).toBeGreaterThan(fence);
      expect(done).toBeGreaterThan(release);
      // No driver ioctl starts after the fence; every one ends before the BAR goes.
      expect(events.slice(fence).includes('drv_ioctl_enter'), `seed ${seed}: ${events.join(' ')}`).toBe(false);
      expect(events.slice(release).includes('drv_ioctl_exit')).toBe(false);
      const enters = events.filter((e) => e === 'drv_ioctl_enter').length;
      expect(events.filter((e) => e === 'drv_ioctl_exit').length).toBe(enters);
      if (events.slice(fence, release).includes('drv_ioctl_exit')) sawInFlight++;
      // Everything after the fence failed -ENODEV in the VFS; nothing else went wrong.
      for (const x of results) expect(['ok', 'ENODEV', 'open ENODEV']).toContain(x);
    }
    // The scenario really has ioctls in flight during the fence for many seeds.
    expect(sawInFlight).toBeGreaterThan(20);
  });

  it('kernel mode in the same scenario produces a use-after-remove for some seed', async () => {
    let found: string | null = null;
    for (let seed = 1; seed <= 200 && found === null; seed++) {
      const { k } = await unbindDuringIoctls(seed, 'kernel');
      const uar = k.reports.find((r) => r.kind === 'use-after-remove');
      if (uar !== undefined) found = `${seed}: ${uar.resource}`;
    }
    expect(found).toMatch(/edu BAR0$/);
  });

  it('revocable mode in the same scenario is clean too (the driver checks and holds a guard)', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const { k, results } = await unbindDuringIoctls(seed, 'revocable');
      expect(k.reports, `seed ${seed}\n${k.dmesg()}`).toEqual([]);
      for (const x of results) expect(['ok', 'ENODEV', 'open ENODEV']).toContain(x);
    }
  });
});

describe('fenced misc deregister, direct', () => {
  it('returns only after every in-flight ioctl returns; a FencedView released right after is never touched', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const k = new Kernel({ strategy: 'random', seed });
      const bar = makeBar(k);
      const misc = makeTestMisc(k, bar, { mode: 'fenced', sleepMs: 2 });
      await k.exec('reg', () => miscRegister(k, misc));
      let inFlight = 0;
      let inFlightAtReturn = -1;
      const inner = misc.fops.unlockedIoctl?.bind(misc.fops);
      (misc.fops as { unlockedIoctl: typeof inner }).unlockedIoctl = async (f, c, a) => {
        inFlight++;
        try {
          return (await inner?.(f, c, a)) ?? 0;
        } finally {
          inFlight--;
        }
      };
      for (let i = 0; i < N; i++) {
        k.spawn(`user${i}`, async () => {
          const h = await open(k, '/dev/testdev');
          for (let j = 0; j < 2; j++) await h.ioctl(IOC_SLEEP_READ).catch(() => undefined);
        });
      }
      k.spawn('remover', async () => {
        await msleep(k, 1);
        await miscDeregister(misc);
        inFlightAtReturn = inFlight;
        bar.view.release();
      });
      await k.run();
      expect(inFlightAtReturn, `seed ${seed}`).toBe(0);
      expect(k.reports, `seed ${seed}\n${k.dmesg()}`).toEqual([]);
    }
  });
});

describe('devres integration', () => {
  it('a non-devm misc device registered in probe and left registered is a leak at unbind', async () => {
    const k = new Kernel();
    const bus = busRegister(k, 'test');
    const dev = new Device(k, 'leaky0', bus);
    const misc = makeTestMisc(k, makeBar(k), { name: 'leaky' });
    const drv: Driver = {
      name: 'leaky0',
      owner: null,
      async probe() {
        await miscRegister(k, misc);
      },
    };
    await k.exec('t', async () => {
      await driverRegister(bus, drv);
      await deviceAdd(dev);
      await deviceReleaseDriver(dev);
    });
    expect(k.reports.map((r) => r.kind)).toEqual(['leak-at-unbind']);
    expect(k.reports[0]?.resource).toBe('misc leaky (10:256)');
    expect(miscRegistered(misc)).toBe(true);
  });

  it('a non-devm misc device deregistered in remove() is not a leak', async () => {
    const k = new Kernel();
    const bus = busRegister(k, 'test');
    const dev = new Device(k, 'tidy0', bus);
    const misc = makeTestMisc(k, makeBar(k), { name: 'tidy' });
    const drv: Driver = {
      name: 'tidy0',
      owner: null,
      async probe() {
        await miscRegister(k, misc);
      },
      async remove() {
        await miscDeregister(misc);
      },
    };
    await k.exec('t', async () => {
      await driverRegister(bus, drv);
      await deviceAdd(dev);
      await deviceReleaseDriver(dev);
    });
    expect(k.reports).toEqual([]);
  });

  it('devm: unbind deregisters (fenced by default), the node is gone and the module is unpinned', async () => {
    const k = new Kernel();
    const bus = busRegister(k, 'test');
    const dev = new Device(k, 'edu0', bus);
    const mod = new FakeModule('edu');
    const misc = makeTestMisc(k, makeBar(k), { name: 'edu', owner: mod });
    delete (misc as { mode?: MiscMode }).mode;
    const drv: Driver = {
      name: 'edu0',
      owner: mod,
      async probe(d) {
        await devmMiscRegister(d, misc);
      },
    };
    const r = await k.exec('t', async () => {
      await driverRegister(bus, drv);
      await deviceAdd(dev);
      const h = await open(k, '/dev/edu');
      await deviceReleaseDriver(dev);
      const out = {
        mode: misc.mode,
        registered: miscRegistered(misc),
        refs: mod.refs,
        ioctl: await h.ioctl(IOC_SLEEP_READ).catch((e: unknown) => (isKernelError(e) ? e.code : 'other')),
      };
      await h.close();
      return out;
    });
    expect(r).toEqual({ mode: 'fenced', registered: false, refs: 0, ioctl: 'ENODEV' });
    expect(k.reports).toEqual([]);
  });
});
