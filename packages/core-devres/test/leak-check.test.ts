import { deviceBind, deviceReleaseDriver, devresAdd, KernelError, trackResource } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

describe('leak check at unbind', () => {
  it('a tracked resource still busy and not devres-managed is a leak-at-unbind report', async () => {
    const w = world();
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          trackResource(dev, {
            description: 'hrtimer edu_poll',
            busy: () => true,
            managed: false,
            acquiredStack: 'edu_probe+0x10',
          });
        }),
      );
      await deviceReleaseDriver(w.dev);
    });
    expect(w.k.reports).toHaveLength(1);
    const r = w.k.reports[0];
    expect(r).toMatchObject({
      kind: 'leak-at-unbind',
      title: 'BUG: leak at unbind: hrtimer edu_poll still active on testbus dev0',
      resource: 'hrtimer edu_poll',
    });
    expect(r?.stacks.acquired).toBe('edu_probe+0x10');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('a tracked resource that is no longer busy is not reported', async () => {
    const w = world();
    let armed = true;
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver(
          'dev0',
          (dev) => trackResource(dev, { description: 'work edu_work', busy: () => armed, managed: false }),
          () => {
            armed = false; // remove() cancelled it
          },
        ),
      );
      await deviceReleaseDriver(w.dev);
    });
    expect(w.k.reports).toEqual([]);
  });

  it('runs after devres: a resource undone by its devres release is not a leak', async () => {
    const w = world();
    let mapped = true;
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          trackResource(dev, { description: 'iomap BAR0', busy: () => mapped, managed: true });
          devresAdd(dev, {
            name: 'iomap BAR0',
            release: () => {
              mapped = false;
            },
          });
        }),
      );
      await deviceReleaseDriver(w.dev);
    });
    expect(w.k.reports).toEqual([]);
  });

  it('a managed resource still busy after its fence is reported as a fence that did not hold', async () => {
    const w = world();
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          trackResource(dev, { description: 'work edu_work', busy: () => true, managed: true });
        }),
      );
      await deviceReleaseDriver(w.dev);
    });
    expect(w.k.reports.map((r) => [r.kind, r.title])).toEqual([
      ['leak-at-unbind', 'BUG: leak at unbind: work edu_work still busy after its fence on testbus dev0'],
    ]);
  });

  it('the check also runs when probe fails, and each resource is checked once', async () => {
    const w = world();
    await w.k.exec('t', async () => {
      const err = await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          trackResource(dev, { description: 'irq 11', busy: () => true, managed: false });
          throw new KernelError('ENODEV');
        }),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KernelError);
      await deviceBind(w.dev, driver('dev0'));
      await deviceReleaseDriver(w.dev);
    });
    expect(w.k.reports.map((r) => r.resource)).toEqual(['irq 11']);
    expect(w.dev.tracked).toEqual([]);
  });
});
