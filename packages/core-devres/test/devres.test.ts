import {
  type Device,
  deviceBind,
  deviceReleaseDriver,
  devmAddAction,
  devmAddActionOrReset,
  devmReleaseAction,
  devmRemoveAction,
  devresAdd,
  devresReleaseAll,
  devresReleaseResource,
  devresRemoveResource,
  isKernelError,
  type KernelError,
  type ManagedResource,
  msleep,
  timerEntry,
  type UnbindMode,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

/** Binds dev0, runs `body` while bound, unbinds; all inside one task. */
async function bound(w: ReturnType<typeof world>, body: (dev: Device) => Promise<void> | void): Promise<void> {
  await w.k.exec('t', async () => {
    await deviceBind(w.dev, driver('dev0'));
    await body(w.dev);
    await deviceReleaseDriver(w.dev);
  });
}

function res(log: string[], name: string, fence = true): ManagedResource {
  const r: ManagedResource = { name, release: () => void log.push(`release ${name}`) };
  return fence ? { ...r, fence: async () => void log.push(`fence ${name}`) } : r;
}

describe('devm actions', () => {
  it('devmAddAction: the action runs at unbind with its data', async () => {
    const w = world();
    const got: unknown[] = [];
    const data = { id: 7 };
    await bound(w, (dev) => {
      devmAddAction(dev, (d) => void got.push(d), data);
      expect(got).toEqual([]);
    });
    expect(got).toEqual([data]);
  });

  it('devmAddAction under -ENOMEM: throws, nothing registered, the action is never called', async () => {
    const w = world();
    const log: string[] = [];
    await bound(w, (dev) => {
      w.k.failNextAllocations(1);
      let err: unknown;
      try {
        devmAddAction(dev, () => void log.push('a'), null);
      } catch (e) {
        err = e;
      }
      expect(isKernelError(err, 'ENOMEM')).toBe(true);
      expect((err as KernelError).errno).toBe(-12);
      expect(dev.devres).toEqual([]);
      devmAddAction(dev, () => void log.push('b'), null); // the fault was one-shot
    });
    expect(log).toEqual(['b']);
  });

  it('devmAddActionOrReset: on failure calls the action at once and throws -ENOMEM; on success waits for unbind', async () => {
    const w = world();
    const log: string[] = [];
    await bound(w, async (dev) => {
      w.k.failNextAllocations(1);
      const err = await devmAddActionOrReset(dev, (d: string) => void log.push(`reset ${d}`), 'x').catch((e) => e);
      expect((err as KernelError).code).toBe('ENOMEM');
      expect(log).toEqual(['reset x']);
      await devmAddActionOrReset(dev, (d: string) => void log.push(`unbind ${d}`), 'y');
      expect(log).toEqual(['reset x']);
    });
    expect(log).toEqual(['reset x', 'unbind y']);
  });

  it('devmRemoveAction drops the entry without calling it', async () => {
    const w = world();
    const log: string[] = [];
    const fn = (d: string): void => void log.push(d);
    await bound(w, (dev) => {
      devmAddAction(dev, fn, 'a');
      devmAddAction(dev, fn, 'b');
      devmRemoveAction(dev, fn, 'a');
      expect(log).toEqual([]);
      expect(dev.devres).toHaveLength(1);
    });
    expect(log).toEqual(['b']);
    expect(w.k.reports).toEqual([]);
  });

  it('devmReleaseAction drops the entry and calls it now (not again at unbind)', async () => {
    const w = world();
    const log: string[] = [];
    const fn = (d: string): void => void log.push(d);
    await bound(w, async (dev) => {
      devmAddAction(dev, fn, 'a');
      devmAddAction(dev, fn, 'b');
      await devmReleaseAction(dev, fn, 'a');
      expect(log).toEqual(['a']);
    });
    expect(log).toEqual(['a', 'b']);
  });

  it('both match on (fn, data) and take the latest match first', async () => {
    for (const op of ['remove', 'release'] as const) {
      const w = world();
      const log: string[] = [];
      const data = { shared: true };
      const fn = (_d: object): void => void log.push('fn');
      const other = (_d: object): void => void log.push('other');
      await bound(w, async (dev) => {
        devmAddAction(dev, fn, data); // oldest match
        devmAddAction(dev, other, data); // same data, other fn: never matches
        devmAddAction(dev, fn, { shared: true }); // same fn, other data: never matches
        devmAddAction(dev, fn, data); // latest match: this one goes
        if (op === 'remove') devmRemoveAction(dev, fn, data);
        else await devmReleaseAction(dev, fn, data);
        log.push('--unbind--');
      });
      // Had the oldest match gone, the last line would be 'other' and 'fn' would come before it.
      const expected = op === 'remove' ? [] : ['fn'];
      expect(log).toEqual([...expected, '--unbind--', 'fn', 'other', 'fn']);
      expect(w.k.reports).toEqual([]);
    }
  });

  it('both warn when nothing matches, and change nothing', async () => {
    const w = world();
    const log: string[] = [];
    const fn = (d: string): void => void log.push(d);
    const stranger = (_d: string): void => undefined;
    await bound(w, async (dev) => {
      devmAddAction(dev, fn, 'a');
      devmRemoveAction(dev, fn, 'b');
      await devmReleaseAction(dev, stranger, 'a');
      expect(dev.devres).toHaveLength(1);
    });
    expect(log).toEqual(['a']);
    expect(w.k.reports.map((r) => [r.kind, r.title])).toEqual([
      ['warn', 'WARNING: devm_remove_action: no action fn on testbus dev0'],
      ['warn', 'WARNING: devm_release_action: no action stranger on testbus dev0'],
    ]);
  });

  it('an action may sleep; unbind waits for it', async () => {
    const w = world();
    const log: string[] = [];
    await bound(w, (dev) => {
      devmAddAction(
        dev,
        async () => {
          await msleep(w.k, 3);
          log.push(`slept@${w.k.now}`);
        },
        null,
      );
    });
    expect(log).toEqual(['slept@3000000']);
  });
});

describe('the lifecycle contract at unbind', () => {
  const orders: Record<UnbindMode, string[]> = {
    // every fence newest first, then every release newest first
    'two-phase': ['fence C', 'fence B', 'fence A', 'release C', 'release B', 'release A'],
    // the kernel's single pass: each entry fenced and released before the next (newest first)
    lifo: ['fence C', 'release C', 'fence B', 'release B', 'fence A', 'release A'],
  };

  for (const mode of ['two-phase', 'lifo'] as const) {
    it(`${mode}: teardown order`, async () => {
      const w = world({ mode });
      const log: string[] = [];
      await bound(w, (dev) => {
        for (const n of ['A', 'B', 'C']) devresAdd(dev, res(log, n));
      });
      expect(log).toEqual(orders[mode]);
    });
  }

  it('the mode is per bus, and a device can override its bus', async () => {
    const cases: [UnbindMode, UnbindMode | null, UnbindMode][] = [
      ['two-phase', null, 'two-phase'],
      ['lifo', null, 'lifo'],
      ['two-phase', 'lifo', 'lifo'],
      ['lifo', 'two-phase', 'two-phase'],
    ];
    for (const [busMode, devMode, effective] of cases) {
      const w = world({ mode: busMode });
      w.dev.unbindMode = devMode;
      expect(w.dev.mode).toBe(effective);
      const log: string[] = [];
      await bound(w, (dev) => {
        for (const n of ['A', 'B', 'C']) devresAdd(dev, res(log, n));
      });
      expect(log).toEqual(orders[effective]);
    }
    // Changing the bus's mode later applies to its devices that have none of their own.
    const w = world({ mode: 'two-phase' });
    w.bus.unbindMode = 'lifo';
    expect(w.dev.mode).toBe('lifo');
  });

  it('two-phase fences everything before freeing anything: a slow fence cannot race a freed mapping', async () => {
    // A periodic timer reads a mapping. The timer is registered first, the mapping second
    // (the wrong order for a single LIFO pass). The timer's fence has to wait 2 ms
    // (a running callback, as hrtimer_cancel does) before the timer is gone.
    const run = async (mode: UnbindMode): Promise<number> => {
      const w = world({ mode });
      const k = w.k;
      let freed = false;
      let usesAfterFree = 0;
      const tick = timerEntry('poll', 0, () => {
        if (freed) usesAfterFree++;
        k.armTimer(tick, k.now + 500_000);
      });
      await bound(w, async (dev) => {
        k.armTimer(tick, k.now + 500_000);
        devresAdd(dev, {
          name: 'hrtimer poll',
          fence: async () => {
            await msleep(k, 2);
            k.cancelTimer(tick);
          },
          release: () => undefined,
        });
        devresAdd(dev, {
          name: 'iomap BAR0',
          release: () => {
            freed = true;
          },
        });
        await msleep(k, 1);
      });
      expect(k.armedTimers).toBe(0);
      return usesAfterFree;
    };
    // lifo: the mapping is freed at 1 ms, then the timer fires at 1.5, 2, 2.5 and 3 ms before the cancel.
    expect(await run('lifo')).toBe(4);
    expect(await run('two-phase')).toBe(0);
  });

  it('fences may sleep; unbind takes the sum of their waits', async () => {
    const w = world();
    await bound(w, (dev) => {
      for (const n of [1, 2, 3]) {
        devresAdd(dev, { name: `r${n}`, fence: () => msleep(w.k, n), release: () => undefined });
      }
    });
    expect(w.k.now).toBe(6_000_000);
  });

  it('devresAdd under -ENOMEM registers nothing', async () => {
    const w = world();
    const log: string[] = [];
    await bound(w, (dev) => {
      w.k.failNextAllocations(1);
      expect(() => devresAdd(dev, res(log, 'X'))).toThrow(/ENOMEM/);
    });
    expect(log).toEqual([]);
  });
});

describe('single resources', () => {
  it('devresReleaseResource fences and releases one entry now and drops it', async () => {
    const w = world();
    const log: string[] = [];
    await bound(w, async (dev) => {
      const a = res(log, 'A');
      devresAdd(dev, a);
      devresAdd(dev, res(log, 'B'));
      expect(await devresReleaseResource(dev, a)).toBe(true);
      expect(log).toEqual(['fence A', 'release A']);
      expect(await devresReleaseResource(dev, a)).toBe(false);
      log.push('--unbind--');
    });
    expect(log).toEqual(['fence A', 'release A', '--unbind--', 'fence B', 'release B']);
    expect(w.k.reports.map((r) => r.title)).toEqual(['WARNING: devres: A is not managed by testbus dev0']);
  });

  it('devresRemoveResource drops an entry without running it', async () => {
    const w = world();
    const log: string[] = [];
    await bound(w, (dev) => {
      const a = res(log, 'A');
      devresAdd(dev, a);
      expect(devresRemoveResource(dev, a)).toBe(true);
      expect(devresRemoveResource(dev, a)).toBe(false);
    });
    expect(log).toEqual([]);
  });

  it('devresReleaseAll empties the list and returns the number of resources released', async () => {
    const w = world();
    const log: string[] = [];
    await w.k.exec('t', async () => {
      for (const n of ['A', 'B', 'C']) devresAdd(w.dev, res(log, n, false));
      expect(await devresReleaseAll(w.dev)).toBe(3);
      expect(await devresReleaseAll(w.dev)).toBe(0);
    });
    expect(w.dev.devres).toEqual([]);
    expect(log).toEqual(['release C', 'release B', 'release A']);
  });
});
