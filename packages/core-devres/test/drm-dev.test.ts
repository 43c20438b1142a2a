// drm_dev_enter/exit/unplug (drivers/gpu/drm/drm_drv.c): one SRCU domain for
// every device, a per-device `unplugged` flag, one synchronize_srcu per
// unplugged device.
import {
  drmDevAlloc,
  drmDevEnter,
  drmDevExit,
  drmDevIsUnplugged,
  drmDevUnplug,
  drmUnplugSrcu,
  msleep,
  srcuGracePeriods,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { world } from './helpers.js';

const GP = 1_000_000; // the kernel's default grace period (rcuGracePeriodNs)

describe('drm_dev_enter / drm_dev_exit / drm_dev_unplug', () => {
  it('enter succeeds and nests while plugged; after unplug it fails and holds nothing', async () => {
    const { k, dev } = world();
    const d = drmDevAlloc(dev, 'card0');
    const a = drmDevEnter(d);
    const b = drmDevEnter(d);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThanOrEqual(0);
    expect(drmUnplugSrcu(k).readers).toBe(2);
    drmDevExit(d, b);
    drmDevExit(d, a);
    await k.exec('unplug', () => drmDevUnplug(d));
    expect(drmDevIsUnplugged(d)).toBe(true);
    expect(d.registered).toBe(false);
    expect(drmDevEnter(d)).toBe(-1);
    expect(drmUnplugSrcu(k).readers).toBe(0);
    expect(k.reports).toEqual([]);
  });

  it('unplug waits for a section that sleeps; a section started after the flag fails', async () => {
    const { k, dev } = world();
    const d = drmDevAlloc(dev, 'card0');
    const log: string[] = [];
    k.spawn('reader', async () => {
      const idx = drmDevEnter(d);
      await msleep(k, 10); // SRCU: the section may sleep
      log.push(`reader exit@${k.now}`);
      drmDevExit(d, idx);
    });
    k.spawn('unplug', async () => {
      await msleep(k, 1);
      await drmDevUnplug(d);
      log.push(`unplugged@${k.now}`);
    });
    k.spawn('late', async () => {
      await msleep(k, 2);
      log.push(`late enter ${drmDevEnter(d)}`);
    });
    await k.run();
    expect(log).toEqual(['late enter -1', 'reader exit@10000000', 'unplugged@10000000']);
  });

  it('one grace period per device, however many sections it had', async () => {
    const { k, dev } = world();
    const d = drmDevAlloc(dev, 'card0');
    for (let i = 0; i < 1000; i++) drmDevExit(d, drmDevEnter(d));
    const t = await k.exec('unplug', async () => {
      const t0 = k.now;
      await drmDevUnplug(d);
      await drmDevUnplug(d); // already unplugged: no second grace period
      return k.now - t0;
    });
    expect(t).toBe(GP);
    expect(srcuGracePeriods(k)).toBe(1);
  });

  it('the domain is shared: unplugging one device waits for a section of another', async () => {
    const { k, dev } = world();
    const a = drmDevAlloc(dev, 'card0');
    const b = drmDevAlloc(dev, 'card1');
    expect(a.srcu).toBe(b.srcu);
    let doneAt = -1;
    k.spawn('reader of card1', async () => {
      const idx = drmDevEnter(b);
      await msleep(k, 5);
      drmDevExit(b, idx);
    });
    k.spawn('unplug card0', async () => {
      await drmDevUnplug(a);
      doneAt = k.now;
    });
    await k.run();
    expect(doneAt).toBe(5_000_000);
    expect(drmDevIsUnplugged(b)).toBe(false);
  });

  it('unplug from atomic context is a sleep-in-atomic report', async () => {
    const { k, dev } = world();
    const d = drmDevAlloc(dev, 'card0');
    k.raise('irq', 0, () => {
      void drmDevUnplug(d);
    });
    await k.run();
    expect(k.sanitizer.byKind('sleep-in-atomic')).toHaveLength(1);
  });
});

describe('SrcuStruct (the counter-based domain under both designs)', () => {
  it('a synchronize waits for readers of both indexes present at its call, not for later ones', async () => {
    const { SrcuStruct } = await import('@quiesce/core-devres');
    const { k } = world();
    const s = new SrcuStruct(k, 'ss');
    const log: string[] = [];
    const reader = (name: string, startMs: number, holdMs: number) =>
      k.spawn(name, async () => {
        await msleep(k, startMs);
        const idx = s.srcuReadLock();
        await msleep(k, holdMs);
        s.srcuReadUnlock(idx);
        log.push(`${name} out@${k.now / 1e6}`);
      });
    reader('a', 0, 10); // index 0, before the first synchronize
    k.spawn('sync1', async () => {
      await msleep(k, 1);
      await s.synchronizeSrcu();
      log.push(`sync1@${k.now / 1e6}`);
    });
    reader('b', 2, 20); // after sync1's flip: index 1, sync1 must not wait for it
    k.spawn('sync2', async () => {
      await msleep(k, 3);
      await s.synchronizeSrcu();
      log.push(`sync2@${k.now / 1e6}`);
    });
    await k.run();
    expect(log).toEqual(['a out@10', 'sync1@10', 'b out@22', 'sync2@22']);
    s.srcuReadUnlock(0);
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
  });
});
