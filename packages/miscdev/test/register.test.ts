import { isKernelError, Kernel } from '@quiesce/core-devres';
import { MISC_DYNAMIC_MINOR, miscDeregister, miscMutex, miscRegister, miscRegistered, open } from '@quiesce/miscdev';
import { describe, expect, it } from 'vitest';
import { makeBar, makeTestMisc } from './helpers/driver.js';

async function errnoOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (isKernelError(e)) return e.code;
    throw e;
  }
}

describe('misc_register minors', () => {
  it('allocates dynamic minors from 256 upward and writes them back', async () => {
    const k = new Kernel();
    const a = makeTestMisc(k, makeBar(k), { name: 'a' });
    const b = makeTestMisc(k, makeBar(k), { name: 'b' });
    expect(a.minor).toBe(MISC_DYNAMIC_MINOR);
    await k.exec('reg', async () => {
      await miscRegister(k, a);
      await miscRegister(k, b);
    });
    expect(a.minor).toBe(256);
    expect(b.minor).toBe(257);
  });

  it('rejects a fixed minor already in use with -EBUSY', async () => {
    const k = new Kernel();
    const a = makeTestMisc(k, makeBar(k), { name: 'a', minor: 130 });
    const b = makeTestMisc(k, makeBar(k), { name: 'b', minor: 130 });
    const r = await k.exec('reg', async () => {
      await miscRegister(k, a);
      return errnoOf(miscRegister(k, b));
    });
    expect(r).toBe('EBUSY');
    expect(b.minor).toBe(130);
    expect(miscRegistered(b)).toBe(false);
  });

  it('rejects a fixed minor above 255 with -EINVAL', async () => {
    const k = new Kernel();
    const r = await k.exec('reg', async () => [
      await errnoOf(miscRegister(k, makeTestMisc(k, makeBar(k), { name: 'x', minor: 256 }))),
      await errnoOf(miscRegister(k, makeTestMisc(k, makeBar(k), { name: 'y', minor: 1000 }))),
    ]);
    expect(r).toEqual(['EINVAL', 'EINVAL']);
    // Nothing was taken: the first dynamic minor is still 256.
    const d = makeTestMisc(k, makeBar(k), { name: 'd' });
    await k.exec('reg', () => miscRegister(k, d));
    expect(d.minor).toBe(256);
  });

  it('a duplicate name is -EEXIST and frees the dynamic minor again', async () => {
    const k = new Kernel();
    const a = makeTestMisc(k, makeBar(k), { name: 'dup' });
    const b = makeTestMisc(k, makeBar(k), { name: 'dup' });
    const c = makeTestMisc(k, makeBar(k), { name: 'c' });
    const r = await k.exec('reg', async () => {
      await miscRegister(k, a); // 256
      const e = await errnoOf(miscRegister(k, b)); // took 257, then gave it back
      await miscRegister(k, c);
      return e;
    });
    expect(r).toBe('EEXIST');
    expect(b.minor).toBe(MISC_DYNAMIC_MINOR);
    expect(c.minor).toBe(257);
  });

  it('a duplicate name frees a fixed minor too', async () => {
    const k = new Kernel();
    const a = makeTestMisc(k, makeBar(k), { name: 'dup', minor: 10 });
    const b = makeTestMisc(k, makeBar(k), { name: 'dup', minor: 11 });
    const c = makeTestMisc(k, makeBar(k), { name: 'other', minor: 11 });
    const r = await k.exec('reg', async () => {
      await miscRegister(k, a);
      const e = await errnoOf(miscRegister(k, b));
      return [e, await errnoOf(miscRegister(k, c))];
    });
    expect(r).toEqual(['EEXIST', 'ok']);
  });

  it('deregister frees the minor and resets a dynamic one to MISC_DYNAMIC_MINOR; a second deregister warns', async () => {
    const k = new Kernel();
    const a = makeTestMisc(k, makeBar(k), { name: 'a' });
    const b = makeTestMisc(k, makeBar(k), { name: 'b' });
    await k.exec('reg', async () => {
      await miscRegister(k, a);
      expect(a.minor).toBe(256);
      await miscDeregister(a);
      expect(a.minor).toBe(MISC_DYNAMIC_MINOR);
      await miscRegister(k, b);
      expect(b.minor).toBe(256);
      await miscDeregister(a);
    });
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
    expect(k.reports[0]?.title).toContain('list_empty');
  });

  it('deregistering a device never registered WARNs in the running kernel and returns; outside any kernel it throws', async () => {
    const k = new Kernel();
    const never = makeTestMisc(k, makeBar(k), { name: 'never' });
    await k.exec('remove', () => miscDeregister(never));
    expect(k.reports.map((r) => [r.kind, r.detail])).toEqual([
      ['warn', "WARN_ON(list_empty(&misc->list)) in misc_deregister: 'never' is not registered"],
    ]);
    await expect(miscDeregister(never)).rejects.toThrow(/never registered/);
  });
});

describe('open', () => {
  it('-ENOENT for a node that never existed, -ENODEV after deregister', async () => {
    const k = new Kernel();
    const a = makeTestMisc(k, makeBar(k), { name: 'a' });
    const r = await k.exec('t', async () => {
      const e1 = await errnoOf(open(k, '/dev/nothing'));
      await miscRegister(k, a);
      const h = await open(k, '/dev/a');
      await h.close();
      await miscDeregister(a);
      return [e1, await errnoOf(open(k, '/dev/a'))];
    });
    expect(r).toEqual(['ENOENT', 'ENODEV']);
  });

  it('runs the driver open under the misc mutex', async () => {
    const k = new Kernel();
    const a = makeTestMisc(k, makeBar(k), { name: 'a' });
    const log: string[] = [];
    const inner = a.fops.open?.bind(a.fops);
    (a.fops as { open: typeof inner }).open = async (f) => {
      log.push(`open: misc_mtx ${miscMutex(k).isLocked() ? 'held' : 'free'}`);
      await k.yield();
      await k.yield();
      log.push('open: done');
      return inner?.(f);
    };
    await k.exec('reg', () => miscRegister(k, a));
    k.spawn('opener', async () => {
      await open(k, '/dev/a');
    });
    k.spawn('registrar', async () => {
      await k.yield();
      await miscRegister(k, makeTestMisc(k, makeBar(k), { name: 'b' }));
      log.push('register b');
    });
    await k.run();
    expect(log).toEqual(['open: misc_mtx held', 'open: done', 'register b']);
  });
});
