// misc_deregister_sync (Jason Gunthorpe, Oct 2025) and the order of the
// misc fence: the core Fence closes before anything waits, nothing new is
// accepted during the wait, and release stays with close in sync mode.
import {
  busRegister,
  Device,
  deviceAdd,
  deviceReleaseDriver,
  driverRegister,
  isKernelError,
  Kernel,
  msleep,
} from '@quiesce/core-devres';
import {
  devmMiscRegister,
  type FileHandle,
  miscDeregisterSync,
  miscRegister,
  miscRegistered,
  open,
} from '@quiesce/miscdev';
import { describe, expect, it } from 'vitest';
import { IOC_READ_REG, IOC_SLEEP_READ, makeBar, makeTestMisc } from './helpers/driver.js';
import { FakeModule } from './helpers/fake-owner.js';

const MS = 1_000_000;

async function errCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (isKernelError(e)) return e.code;
    throw e;
  }
}

describe('miscDeregisterSync (misc_deregister_sync)', () => {
  it('refuses new opens at once, returns only after the in-flight ioctl, fails later ioctls -ENODEV, and release runs at close', async () => {
    const k = new Kernel();
    const mod = new FakeModule('edu');
    const misc = makeTestMisc(k, makeBar(k), { name: 'edu', mode: 'sync', owner: mod, sleepMs: 2 });
    await k.exec('reg', () => miscRegister(k, misc));
    const log: string[] = [];
    let h: FileHandle | null = null;
    k.spawn('userA', async () => {
      h = await open(k, '/dev/edu');
      log.push(`A ioctl ${await errCode(h.ioctl(IOC_SLEEP_READ))} @${k.now}`); // in the driver 0..2 ms
    });
    k.spawn('remover', async () => {
      await msleep(k, 1);
      log.push(`sync start @${k.now}`);
      await miscDeregisterSync(misc);
      log.push(`sync return @${k.now} releases=${misc.releases} moduleRefs=${mod.refs}`);
    });
    k.spawn('userB', async () => {
      await msleep(k, 1);
      await k.yield(); // after the remover started
      log.push(`B open ${await errCode(open(k, '/dev/edu'))} @${k.now}`);
    });
    await k.run();
    expect(log).toEqual([
      'sync start @1000000',
      'B open ENODEV @1000000',
      'A ioctl ok @2000000',
      'sync return @2000000 releases=0 moduleRefs=1',
    ]);
    expect(miscRegistered(misc)).toBe(false);
    const file = h as unknown as FileHandle;
    // Later operations on the open file fail in the VFS; the driver is not called.
    const enters = k.traceLog.filter((e) => e.ev === 'drv_ioctl_enter').length;
    expect(await k.exec('A again', () => errCode(file.ioctl(IOC_READ_REG)))).toBe('ENODEV');
    expect(await k.exec('A again', () => errCode(file.ioctl(IOC_SLEEP_READ)))).toBe('ENODEV');
    expect(k.traceLog.filter((e) => e.ev === 'drv_ioctl_enter').length).toBe(enters);
    // The file still pins the module; the driver's release runs at close, once, and drops it.
    expect(misc.releases).toBe(0);
    expect(mod.refs).toBe(1);
    await k.exec('A close', () => file.close());
    expect(misc.releases).toBe(1);
    expect(mod.refs).toBe(0);
    expect(k.reports).toEqual([]);
  });

  it('on a device registered without a counter (kernel mode) it warns and deregisters without waiting', async () => {
    const k = new Kernel();
    const misc = makeTestMisc(k, makeBar(k), { name: 'plain', mode: 'kernel' });
    await k.exec('reg', () => miscRegister(k, misc));
    await k.exec('dereg', () => miscDeregisterSync(misc));
    expect(miscRegistered(misc)).toBe(false);
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
    expect(k.reports[0]?.detail).toContain('misc_deregister_sync');
  });
});

describe('misc fence order (core Fence), fenced mode at unbind', () => {
  it('the fence closes before the drain; an open and a new ioctl during the wait get -ENODEV, counted by the core fence', async () => {
    const k = new Kernel();
    const bus = busRegister(k, 'test');
    const dev = new Device(k, 'edu0', bus);
    const misc = makeTestMisc(k, makeBar(k), { name: 'edu', mode: 'fenced', sleepMs: 3 });
    const log: string[] = [];
    await k.exec('boot', async () => {
      await driverRegister(bus, {
        name: 'edu0',
        owner: null,
        async probe(d) {
          await devmMiscRegister(d, misc);
        },
      });
      await deviceAdd(dev);
    });
    let second: FileHandle | null = null;
    k.spawn('userA', async () => {
      const h = await open(k, '/dev/edu');
      log.push(`A ioctl ${await errCode(h.ioctl(IOC_SLEEP_READ))} @${k.now}`); // in the driver 0..3 ms
    });
    k.spawn('userB', async () => {
      second = await open(k, '/dev/edu');
      await msleep(k, 2); // during the drain
      log.push(`B ioctl ${await errCode(second.ioctl(IOC_READ_REG))} @${k.now}`);
    });
    k.spawn('userC', async () => {
      await msleep(k, 2);
      log.push(`C open ${await errCode(open(k, '/dev/edu'))} @${k.now}`);
    });
    k.spawn('unbind', async () => {
      await msleep(k, 1);
      await deviceReleaseDriver(dev);
      log.push(`unbind done @${k.now}`);
    });
    await k.run();
    expect(log).toEqual([
      'B ioctl ENODEV @2000000',
      'C open ENODEV @2000000',
      'A ioctl ok @3000000',
      'unbind done @3000000',
    ]);
    const ev = k.traceLog.filter((e) => ['fence_close', 'misc_fence', 'fence_done'].includes(e.ev));
    expect(ev.map((e) => [e.ev, e.t])).toEqual([
      ['fence_close', 1 * MS],
      ['misc_fence', 1 * MS],
      ['fence_done', 3 * MS],
    ]);
    // B's ioctl was refused by the dead table through the core fence; C's open failed at the lookup (deregistered).
    expect(k.traceLog.filter((e) => e.ev === 'fence_refused').map((e) => e.detail)).toEqual([
      'misc edu: ioctl (fencing)',
    ]);
    expect(k.reports).toEqual([]);
  });
});
