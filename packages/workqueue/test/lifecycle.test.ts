import {
  busRegister,
  type Device as Dev,
  Device,
  type Driver,
  deviceAdd,
  deviceReleaseDriver,
  driverRegister,
  FencedView,
  type ModuleOwner,
  msleep,
  Revocable,
} from '@quiesce/core-devres';
import {
  allocWork,
  devmAllocWorkqueue,
  devmWorkInit,
  initWork,
  queueWork,
  type WorkStruct,
  workBusy,
} from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { kernel, wqOf } from './helpers.js';

function fakeOwner(name: string): ModuleOwner & { textFreed: boolean } {
  return { name, state: 'LIVE', textFreed: false, tryGet: () => true, put: () => undefined };
}

async function bindWith(k: ReturnType<typeof kernel>, drv: Driver): Promise<Dev> {
  const bus = busRegister(k, 'platform');
  const dev = new Device(k, drv.name, bus);
  k.spawn('probe', async () => {
    await driverRegister(bus, drv);
    await deviceAdd(dev);
  });
  await k.runFor(0); // probe does not sleep; its works may run for ever
  return dev;
}

async function unbind(k: ReturnType<typeof kernel>, dev: Dev, after?: () => void): Promise<void> {
  const t = k.spawn('unbind', async () => {
    await deviceReleaseDriver(dev);
    after?.();
  });
  while (!t.exited) await k.runFor(100_000);
}

describe('owner check at dispatch', () => {
  it('a work whose module text is gone is not called: execute-after-free', async () => {
    const k = kernel();
    const wq = wqOf(k);
    const owner = { name: 'edu', state: 'GOING' as const, textFreed: true, tryGet: () => false, put: () => undefined };
    let ran = false;
    const w = initWork(
      allocWork(k),
      async function edu_work() {
        ran = true;
      },
      owner,
    );
    const r = await k.exec('user', () => queueWork(wq, w));
    await k.run(); // exec returns when its task exits; the rest runs here
    expect(r).toBe(true);
    expect(ran).toBe(false);
    const eaf = k.reports.filter((x) => x.kind === 'execute-after-free');
    expect(eaf).toHaveLength(1);
    expect(eaf[0]?.resource).toBe('edu_work [edu]');
    expect(workBusy(w)).toBe(0);
  });
});

describe('devm work: fence is disable_work_sync', () => {
  it('a self-requeueing work stops at unbind; later queueing is refused and counted; no reports', async () => {
    const k = kernel();
    const owner = fakeOwner('edu');
    const buf = new DataView(new ArrayBuffer(16));
    buf.setUint32(0, 0x010000ed, true);
    let work: WorkStruct | null = null;
    let view: FencedView | null = null;
    let reads = 0;
    const drv: Driver = {
      name: 'edu',
      owner,
      async probe(dev) {
        view = new FencedView(k, 'edu BAR0', buf);
        const v = view;
        const wq = devmAllocWorkqueue(dev, 'edu_wq');
        if (wq === null) throw new Error('alloc');
        work = devmWorkInit(
          dev,
          allocWork(k),
          async function edu_poll(w) {
            if (v.readl(0) === 0x010000ed) reads++;
            await msleep(k, 1);
            queueWork(wq, w);
          },
          owner,
        );
        queueWork(wq, work);
      },
      async remove() {
        // Deliberately nothing: devres fences the work before the BAR is released.
      },
    };
    const dev = await bindWith(k, drv);
    await k.runFor(5_500_000);
    const before = reads;
    expect(before).toBeGreaterThanOrEqual(5);
    await unbind(k, dev, () => view?.release());
    await k.runFor(10_000_000);
    expect(reads).toBe(before);
    const w = work as unknown as WorkStruct;
    expect(workBusy(w)).toBe(0);
    expect(w.refusedAfterFence).toBeGreaterThanOrEqual(1);
    expect(k.reports).toEqual([]);
  });

  it('an unmanaged work left queued at unbind is a leak-at-unbind', async () => {
    const k = kernel();
    const wq = wqOf(k, 'slow');
    const drv: Driver = {
      name: 'leaky',
      owner: null,
      async probe() {
        const w = initWork(allocWork(k), async function leaky_work() {
          await msleep(k, 100);
        });
        queueWork(wq, w);
      },
    };
    const dev = await bindWith(k, drv);
    await unbind(k, dev);
    const leaks = k.reports.filter((r) => r.kind === 'leak-at-unbind');
    expect(leaks).toHaveLength(1);
    expect(leaks[0]?.resource).toBe('work leaky_work');
  });
});

describe('revocable style, for comparison', () => {
  it('data access is guarded, but the callback still runs after unbind and is an EAF after unload', async () => {
    const k = kernel();
    const owner = fakeOwner('edu');
    const wq = wqOf(k, 'rev');
    let bar: Revocable<DataView> | null = null;
    let denied = 0;
    let reads = 0;
    const drv: Driver = {
      name: 'edu',
      owner,
      async probe() {
        const b = new Revocable<DataView>(k, new DataView(new ArrayBuffer(16)), 'edu BAR0');
        bar = b;
        const w = initWork(
          allocWork(k),
          async function edu_poll(work) {
            const v = b.tryAccess();
            if (v === null) denied++;
            else reads += v.getUint32(0, true) === 0 ? 1 : 0;
            await msleep(k, 1);
            queueWork(wq, work);
          },
          owner,
        );
        queueWork(wq, w);
      },
      async remove() {
        await bar?.revoke();
      },
    };
    const dev = await bindWith(k, drv);
    await k.runFor(3_500_000);
    await unbind(k, dev);
    await k.runFor(3_000_000);
    expect(reads).toBeGreaterThan(0);
    expect(denied).toBeGreaterThan(0); // still running after remove: only the data is guarded
    owner.textFreed = true; // module unloaded
    await k.runFor(3_000_000);
    expect(k.reports.some((r) => r.kind === 'execute-after-free' && r.resource === 'edu_poll [edu]')).toBe(true);
  });
});
