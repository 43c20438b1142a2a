// Issue 4 acceptance with the real subsystems: code has a lifetime.
// - a module that arms an hrtimer and is unloaded without cancelling it
//   yields an execute-after-free when the timer expires; the same timer
//   devres-managed on a device the module's driver unbinds at unload yields
//   none;
// - delete_module of a module whose file is open is -EWOULDBLOCK and exit is
//   not called; forced, it succeeds, taints, and the next file operation on
//   the open file is an execute-after-free.
import { BusType, Device, deviceAdd, isKernelError, Kernel, msleep } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  devmHrtimerSetup,
  HRTIMER_MODE_REL,
  HRTIMER_RESTART,
  HrTimer,
  hrtimerForwardNow,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { MISC_DYNAMIC_MINOR, type MiscDevice, miscDeregister, miscRegister, open } from '@quiesce/miscdev';
import {
  defineModule,
  deleteModule,
  loadModule,
  type Module,
  moduleDriver,
  O_NONBLOCK,
  O_TRUNC,
} from '@quiesce/module-loader';
import { describe, expect, it } from 'vitest';

const MS = 1_000_000;

function ticker(counter: { n: number }) {
  return function statsTick(t: HrTimer) {
    counter.n++;
    hrtimerForwardNow(t, MS);
    return HRTIMER_RESTART;
  };
}

describe('a timer outliving its module', () => {
  it('unloaded without hrtimer_cancel: execute-after-free at the next expiry, and the callback does not run', async () => {
    const k = new Kernel();
    const ticks = { n: 0 };
    const def = defineModule({
      name: 'leaky',
      init(mod: Module) {
        hrtimerStart(
          hrtimerSetup(k, new HrTimer(), ticker(ticks), CLOCK_MONOTONIC, HRTIMER_MODE_REL, mod),
          MS,
          HRTIMER_MODE_REL,
        );
      },
      exit() {},
    });
    k.spawn('insmod', () => loadModule(k, def));
    await k.runFor(3.5 * MS);
    expect(ticks.n).toBe(3);
    k.spawn('rmmod', () => deleteModule(k, 'leaky'));
    await k.runFor(2 * MS);
    expect(ticks.n).toBe(3);
    const eaf = k.reports.filter((r) => r.kind === 'execute-after-free');
    expect(eaf.length).toBeGreaterThan(0);
    expect(eaf[0]?.resource).toBe('statsTick [leaky]');
    expect(eaf[0]?.time).toBe(4 * MS);
  });

  it('devres-managed on a device the module drives: cancelled at unbind, no report', async () => {
    const k = new Kernel();
    const ticks = { n: 0 };
    const bus = new BusType(k, 'virt');
    const dev = new Device(k, 'tick0', bus);
    const def = defineModule({
      name: 'tidy',
      ...moduleDriver(bus, (mod) => ({
        name: 'tick0',
        owner: mod,
        async probe(d) {
          const t = devmHrtimerSetup(d, new HrTimer(), ticker(ticks), CLOCK_MONOTONIC, HRTIMER_MODE_REL, mod);
          hrtimerStart(t, MS, HRTIMER_MODE_REL);
        },
      })),
    });
    k.spawn('setup', async () => {
      await deviceAdd(dev);
      await loadModule(k, def);
    });
    await k.runFor(3.5 * MS);
    expect(ticks.n).toBe(3);
    k.spawn('rmmod', () => deleteModule(k, 'tidy'));
    await k.runFor(5 * MS);
    expect(ticks.n).toBe(3);
    expect(k.reports).toEqual([]);
  });
});

describe('delete_module with a file open', () => {
  async function world() {
    const k = new Kernel();
    const calls = { exit: 0, ioctl: 0 };
    let misc: MiscDevice | null = null;
    const def = defineModule({
      name: 'chardrv',
      async init(mod: Module) {
        misc = {
          minor: MISC_DYNAMIC_MINOR,
          name: 'chardrv',
          fops: {
            owner: mod,
            async unlockedIoctl() {
              calls.ioctl++;
              return 0;
            },
          },
        };
        await miscRegister(k, misc);
      },
      async exit() {
        calls.exit++;
        if (misc !== null) await miscDeregister(misc);
      },
    });
    return { k, calls, def };
  }

  it('-EWOULDBLOCK while the file is open; exit is not called; the file keeps working', async () => {
    const { k, calls, def } = await world();
    const result = await k.exec('test', async () => {
      await loadModule(k, def);
      const f = await open(k, '/dev/chardrv');
      const err = await deleteModule(k, 'chardrv', O_NONBLOCK).then(
        () => null,
        (e: unknown) => e,
      );
      const rc = await f.ioctl(1, 0);
      await f.close();
      return { err, rc };
    });
    expect(isKernelError(result.err, 'EWOULDBLOCK')).toBe(true);
    expect(calls.exit).toBe(0);
    expect(result.rc).toBe(0);
    expect(k.tainted).toBe(false);
  });

  it('forced: succeeds, taints, and the next ioctl on the open file is an execute-after-free', async () => {
    const { k, calls, def } = await world();
    const err = await k.exec('test', async () => {
      await loadModule(k, def);
      const f = await open(k, '/dev/chardrv');
      await f.ioctl(1, 0);
      await deleteModule(k, 'chardrv', O_NONBLOCK | O_TRUNC);
      await msleep(k, 1);
      return f.ioctl(1, 0).then(
        () => null,
        (e: unknown) => e,
      );
    });
    expect(calls.exit).toBe(1);
    expect(k.tainted).toBe(true);
    expect(calls.ioctl).toBe(1);
    expect(isKernelError(err, 'ENODEV')).toBe(true);
    const eaf = k.reports.filter((r) => r.kind === 'execute-after-free');
    expect(eaf.map((r) => r.resource)).toEqual(['unlockedIoctl [chardrv]']);
  });
});
