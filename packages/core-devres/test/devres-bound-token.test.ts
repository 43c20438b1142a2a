// The bound token of Devres::access(&Device<Bound>) misused: kept past
// unbind, or used after a rebind. With the sanitizer on that is a
// use-after-remove report (the access proceeds, as KASAN lets it); with the
// sanitizer off nothing checks it (production: the type system's job).
import { type BoundDevice, Devres, deviceBind, deviceReleaseDriver, isKernelError } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

async function twoBindings(sanitizer: 'report' | 'off') {
  const w = world({ sanitizer });
  const made: Devres<string>[] = [];
  const drv = driver('dev0', (dev) => {
    made.push(new Devres(dev, `bar of binding ${made.length + 1}`, 'bar0'));
  });
  const tokens: BoundDevice[] = [];
  await w.k.exec('t', async () => {
    tokens.push(await deviceBind(w.dev, drv));
    await deviceReleaseDriver(w.dev);
    tokens.push(await deviceBind(w.dev, drv));
  });
  return { w, made, tokens };
}

describe('Devres.access with a token of an ended binding', () => {
  it('a token kept past unbind, on its own Devres: one use-after-remove report, the value returned', async () => {
    const w = world({ sanitizer: 'report' });
    let d: Devres<string> | null = null;
    const bound = await w.k.exec('t', async () => {
      const b = await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          d = new Devres(dev, 'mapping', 'bar0');
        }),
      );
      await deviceReleaseDriver(w.dev);
      return b;
    });
    const dv = d as unknown as Devres<string>;
    expect(dv.access(bound)).toBe('mapping');
    expect(w.k.reports.map((r) => [r.kind, r.resource])).toEqual([['use-after-remove', 'Devres bar0']]);
    expect(w.k.reports[0]?.detail).toContain('binding 1');
  });

  it('after a rebind: the old token on the new Devres and the new token on the old Devres are both reported', async () => {
    const { w, made, tokens } = await twoBindings('report');
    const [oldD, newD] = made as [Devres<string>, Devres<string>];
    const [oldT, newT] = tokens as [BoundDevice, BoundDevice];
    expect(newD.access(newT)).toBe('bar of binding 2');
    expect(w.k.reports).toEqual([]);
    expect(newD.access(oldT)).toBe('bar of binding 2');
    expect(oldD.access(newT)).toBe('bar of binding 1');
    expect(w.k.reports.map((r) => r.kind)).toEqual(['use-after-remove', 'use-after-remove']);
    expect(oldT.generation).toBe(1);
    expect(newT.generation).toBe(2);
  });

  it('with the sanitizer off nothing is checked beyond the device identity', async () => {
    const { w, made, tokens } = await twoBindings('off');
    const [oldD, newD] = made as [Devres<string>, Devres<string>];
    const [oldT, newT] = tokens as [BoundDevice, BoundDevice];
    expect(newD.access(oldT)).toBe('bar of binding 2');
    expect(oldD.access(newT)).toBe('bar of binding 1');
    expect(w.k.sanitizer.suppressed).toBe(0);
    // another device's proof is still -EINVAL: that compare is the hot path itself
    const other = world({ sanitizer: 'off' });
    const foreign = await other.k.exec('t', () => deviceBind(other.dev, driver('dev0')));
    let err: unknown;
    try {
      newD.access(foreign);
    } catch (e) {
      err = e;
    }
    expect(isKernelError(err, 'EINVAL')).toBe(true);
  });

  it("another device's stale proof is -EINVAL, not a report", async () => {
    const { w, made } = await twoBindings('report');
    const other = world({ sanitizer: 'report' });
    const foreign = await other.k.exec('t', async () => {
      const b = await deviceBind(other.dev, driver('dev0'));
      await deviceReleaseDriver(other.dev);
      return b;
    });
    let err: unknown;
    try {
      (made[1] as Devres<string>).access(foreign);
    } catch (e) {
      err = e;
    }
    expect(isKernelError(err, 'EINVAL')).toBe(true);
    expect(w.k.reports).toEqual([]);
  });
});
