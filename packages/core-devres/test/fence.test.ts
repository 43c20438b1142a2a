import {
  deviceBind,
  deviceReleaseDriver,
  devmFence,
  type Fence,
  fenceInit,
  fenceRefuses,
  fenceSync,
  isKernelError,
  Kernel,
  msleep,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

describe('Fence: the flag, its order and the refusals', () => {
  it('closes the flag before the quiesce step runs, and is fenced only once quiesce returned', async () => {
    const k = new Kernel();
    const seen: string[] = [];
    let f: Fence | null = null;
    f = fenceInit(k, 'thing t0', {
      quiesce: async () => {
        seen.push(`quiesce start closed=${f?.closed} state=${f?.state}`);
        await msleep(k, 2);
        seen.push(`quiesce end state=${f?.state}`);
      },
    });
    const fence = f;
    expect(fence.closed).toBe(false);
    expect(fence.state).toBe('open');
    await k.exec('remove', () => fenceSync(fence));
    expect(seen).toEqual(['quiesce start closed=true state=fencing', 'quiesce end state=fencing']);
    expect(fence.state).toBe('fenced');
    const evs = k.traceLog.filter((e) => e.ev.startsWith('fence_')).map((e) => [e.ev, e.t]);
    expect(evs).toEqual([
      ['fence_close', 0],
      ['fence_done', 2_000_000],
    ]);
  });

  it('refuses quietly during the wait, and after it files the one callback-after-fence report', async () => {
    const k = new Kernel();
    const fence = fenceInit(k, 'hrtimer poll', {
      quiesce: async () => {
        // Something tries to start new work while the fence waits.
        expect(fenceRefuses(fence, 'hrtimer_start')).toBe(true);
        await msleep(k, 1);
      },
    });
    expect(fenceRefuses(fence, 'hrtimer_start')).toBe(false);
    await k.exec('remove', () => fenceSync(fence));
    expect(k.reports).toEqual([]);
    expect(fence.refused).toBe(1);
    expect(fenceRefuses(fence, 'hrtimer_start')).toBe(true);
    expect(fence.refused).toBe(2);
    expect(k.reports).toHaveLength(1);
    const r = k.reports[0];
    expect(r?.kind).toBe('callback-after-fence');
    expect(r?.resource).toBe('hrtimer poll');
    expect(r?.title).toBe('BUG: hrtimer_start on fenced hrtimer poll');
    expect(r?.stacks.acquired).toEqual(expect.any(String));
    expect(r?.stacks.released).toBeUndefined(); // the fence start is in the trace, not a captured stack
    expect(r?.stacks.access).toEqual(expect.any(String));
  });

  it("lateStart 'refuse': a start after the fence is refused and counted, with no report", async () => {
    const k = new Kernel();
    const fence = fenceInit(k, 'work w', { quiesce: async () => undefined, lateStart: 'refuse' });
    await k.exec('remove', () => fenceSync(fence));
    expect(fenceRefuses(fence, 'queue_work')).toBe(true);
    expect(fenceRefuses(fence, 'queue_work')).toBe(true);
    expect(fence.refused).toBe(2);
    expect(k.reports).toEqual([]);
    expect(k.traceLog.filter((e) => e.ev === 'fence_refused').map((e) => e.detail)).toEqual([
      'work w: queue_work (fenced)',
      'work w: queue_work (fenced)',
    ]);
  });

  it('null (an unmanaged resource) never refuses', () => {
    expect(fenceRefuses(null, 'queue_work')).toBe(false);
  });

  it('a second fenceSync waits for the first; the quiesce step runs once', async () => {
    const k = new Kernel();
    let calls = 0;
    const fence = fenceInit(k, 'x', {
      quiesce: async () => {
        calls++;
        await msleep(k, 3);
      },
    });
    const ends: number[] = [];
    k.spawn('a', async () => {
      await fenceSync(fence);
      ends.push(k.now);
    });
    k.spawn('b', async () => {
      await fenceSync(fence);
      ends.push(k.now);
    });
    await k.run();
    expect(calls).toBe(1);
    expect(ends).toEqual([3_000_000, 3_000_000]);
  });

  it('fenceInit without a quiesce step is a TypeError naming the function and the argument', () => {
    const k = new Kernel();
    expect(() => fenceInit(k, 'bad', {} as never)).toThrow(TypeError);
    expect(() => fenceInit(k, 'bad', {} as never)).toThrow('fence_init: ops.quiesce must be a function, got undefined');
  });
});

describe('devmFence: on the devres list, with the leak check', () => {
  it('unbind runs every fence before any release, newest first, with the flag closed first', async () => {
    const w = world();
    const log: string[] = [];
    const fences: Fence[] = [];
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          for (const n of ['a', 'b']) {
            const f: Fence = devmFence(dev, `res ${n}`, {
              quiesce: async () => {
                log.push(`quiesce ${n} closed=${f.closed}`);
                await msleep(w.k, 1);
              },
              release: () => {
                log.push(`release ${n} state=${f.state}`);
              },
            });
            fences.push(f);
          }
        }),
      );
      await deviceReleaseDriver(w.dev);
    });
    expect(log).toEqual([
      'quiesce b closed=true',
      'quiesce a closed=true',
      'release b state=fenced',
      'release a state=fenced',
    ]);
    expect(w.k.reports).toEqual([]);
  });

  it('a resource still busy after its fence is a leak-at-unbind report (managed) with the acquisition stack', async () => {
    const w = world();
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          devmFence(dev, 'stuck s', { quiesce: async () => undefined, busy: () => true });
        }),
      );
      await deviceReleaseDriver(w.dev);
    });
    const r = w.k.reports.filter((x) => x.kind === 'leak-at-unbind');
    expect(r).toHaveLength(1);
    expect(r[0]?.resource).toBe('stuck s');
    expect(r[0]?.title).toContain('still busy after its fence');
    expect(r[0]?.stacks.acquired).toEqual(expect.any(String));
  });

  it('-ENOMEM from devres: nothing registered, nothing tracked', async () => {
    const w = world();
    let code = '';
    let quiesced = false;
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          w.k.failNextAllocations(1);
          try {
            devmFence(dev, 'r', {
              quiesce: async () => {
                quiesced = true;
              },
              busy: () => true,
            });
          } catch (e) {
            if (isKernelError(e)) code = e.code;
          }
        }),
      );
      await deviceReleaseDriver(w.dev);
    });
    expect(code).toBe('ENOMEM');
    expect(quiesced).toBe(false);
    expect(w.k.reports).toEqual([]);
  });
});
