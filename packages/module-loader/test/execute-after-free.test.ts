import {
  type BusType,
  busRegister,
  callbackRunnable,
  captureStack,
  Device,
  deviceAdd,
  devresAdd,
  Kernel,
  modulePutOwner,
  type Owner,
  type TimerEntry,
  timerEntry,
  tryModuleGetOwner,
} from '@quiesce/core-devres';
import {
  defineModule,
  deleteModule,
  loadModule,
  type Module,
  moduleDriver,
  O_NONBLOCK,
  O_TRUNC,
  thisModule,
} from '@quiesce/module-loader';
import { describe, expect, it } from 'vitest';
import { attempt, EWOULDBLOCK, syscall } from './helpers.js';

/**
 * A raw timer on the core's clock, dispatched the way a timer subsystem does
 * it: one `callbackRunnable` branch, then the call.
 */
function rawTimer(k: Kernel, owner: Owner, fn: () => void): TimerEntry {
  const registered = captureStack(k.sanitizer.mode);
  return timerEntry(`timer ${fn.name}`, 0, () =>
    k.runAtomic('softirq', 0, `timer ${fn.name}`, () => {
      if (callbackRunnable(k, owner, fn.name, 'timer', registered)) fn();
    }),
  );
}

describe('execute-after-free through callbackRunnable', () => {
  it('a timer armed by a module and left armed at unload: EAF report naming module and callback; not called', async () => {
    const k = new Kernel();
    let calls = 0;
    function edu_poll(): void {
      calls++;
    }
    const mod = await syscall(k, 'insmod', () =>
      loadModule(
        k,
        defineModule({
          name: 'edu',
          init: (m) => k.armTimer(rawTimer(k, m, edu_poll), k.now + 1_000_000),
          exit: () => undefined, // forgets to cancel the timer
        }),
      ),
    );
    await syscall(k, 'rmmod', () => deleteModule(k, 'edu'));
    expect(mod.textFreed).toBe(true);
    await k.run(); // the clock jumps to the expiry
    expect(k.now).toBe(1_000_000);
    expect(calls).toBe(0);
    const eaf = k.sanitizer.byKind('execute-after-free');
    expect(eaf).toHaveLength(1);
    expect(eaf[0]?.resource).toBe('edu_poll [edu]');
    expect(eaf[0]?.detail).toContain('module edu');
    expect(eaf[0]?.detail).toContain('timer callback');
    expect(eaf[0]?.stacks.acquired).toBeDefined(); // where it was registered
    expect(eaf[0]?.time).toBe(1_000_000);
  });

  it('the same timer while the module is live, and a built-in timer, just run', async () => {
    const k = new Kernel();
    let calls = 0;
    function tick(): void {
      calls++;
    }
    await syscall(k, 'insmod', () =>
      loadModule(k, defineModule({ name: 'edu', init: (m) => k.armTimer(rawTimer(k, m, tick), k.now + 10) })),
    );
    k.armTimer(rawTimer(k, null, tick), 20);
    await k.run();
    expect(calls).toBe(2);
    expect(k.sanitizer.reports).toHaveLength(0);
  });

  it('with the sanitizer off the call is still not made, and the report is only counted', async () => {
    const k = new Kernel({ sanitizer: 'off' });
    let calls = 0;
    function late(): void {
      calls++;
    }
    await syscall(k, 'insmod', () =>
      loadModule(k, defineModule({ name: 'edu', init: (m) => k.armTimer(rawTimer(k, m, late), 5), exit: () => {} })),
    );
    await syscall(k, 'rmmod', () => deleteModule(k, 'edu'));
    await k.run();
    expect(calls).toBe(0);
    expect(k.sanitizer.suppressed).toBe(1);
  });

  it('an open file blocks unload (-EWOULDBLOCK, exit not called); forced, it taints and the next fop is EAF', async () => {
    const k = new Kernel();
    let exits = 0;
    let reads = 0;
    async function edu_read(): Promise<number> {
      reads++;
      return 0;
    }
    const mod = await syscall(k, 'insmod', () =>
      loadModule(
        k,
        defineModule({
          name: 'edu',
          exit: () => {
            exits++;
          },
        }),
      ),
    );
    // open(): the VFS takes a reference on fops->owner and keeps it until release
    const fops = { owner: mod as Owner, read: edu_read, registered: captureStack(k.sanitizer.mode) };
    expect(tryModuleGetOwner(fops.owner)).toBe(true);
    const read = () =>
      k.exec('cat', async () =>
        callbackRunnable(k, fops.owner, fops.read.name, 'file_operations', fops.registered) ? fops.read() : -1,
      );
    expect(await read()).toBe(0);

    expect(await attempt(k, () => deleteModule(k, 'edu'))).toBe(EWOULDBLOCK);
    expect(exits).toBe(0);
    expect(k.tainted).toBe(false);

    expect(await attempt(k, () => deleteModule(k, 'edu', O_NONBLOCK | O_TRUNC))).toBe(0);
    expect(exits).toBe(1);
    expect(k.tainted).toBe(true);

    expect(await read()).toBe(-1);
    expect(reads).toBe(1);
    const eaf = k.sanitizer.byKind('execute-after-free');
    expect(eaf.map((r) => r.resource)).toEqual(['edu_read [edu]']);
    expect(eaf[0]?.detail).toContain('file_operations');
    modulePutOwner(fops.owner); // release(): drops the reference it held
    expect(k.sanitizer.byKind('warn')).toHaveLength(0);
  });
});

describe('drivers owned by a module', () => {
  function setup(k: Kernel): { bus: BusType; dev: Device } {
    const bus = busRegister(k, 'platform');
    return { bus, dev: new Device(k, 'edu', bus) };
  }

  function eduModule(k: Kernel, bus: BusType, managed: boolean, log: string[]) {
    function edu_poll(): void {
      log.push('poll');
    }
    return defineModule({
      name: 'edu',
      ...moduleDriver(bus, (mod: Module) => ({
        name: 'edu',
        owner: mod,
        probe: async (dev) => {
          log.push(`probe owner=${thisModule(k)?.name ?? 'built-in'}`);
          const t = rawTimer(k, mod, edu_poll);
          k.armTimer(t, k.now + 1_000_000);
          if (managed) {
            devresAdd(dev, { name: 'timer edu_poll', fence: async () => void k.cancelTimer(t), release: () => {} });
          }
        },
        remove: async () => {
          log.push('remove');
        },
      })),
    });
  }

  it('loading binds, unloading unbinds before the text goes; a devres-managed timer leaves no EAF', async () => {
    const k = new Kernel();
    const { bus, dev } = setup(k);
    await syscall(k, 'add', () => deviceAdd(dev));
    const log: string[] = [];
    const mod = await syscall(k, 'insmod', () => loadModule(k, eduModule(k, bus, true, log)));
    expect(dev.driver?.owner).toBe(mod);
    expect(mod.drivers.map((d) => d.driver.name)).toEqual(['edu']);
    await syscall(k, 'rmmod', () => deleteModule(k, 'edu'));
    expect(log).toEqual(['probe owner=edu', 'remove']);
    expect(dev.driver).toBeNull();
    expect(bus.drivers).toEqual([]);
    // unbind happened while the module was GOING, before its text was freed
    const ev = k.traceLog.map((e) => `${e.ev} ${e.detail}`);
    const iGoing = ev.indexOf('module_state edu GOING');
    const iUnbound = ev.findIndex((e) => e.startsWith('unbound edu'));
    const iFree = ev.indexOf('module_free edu');
    expect(iGoing).toBeGreaterThanOrEqual(0);
    expect(iGoing).toBeLessThan(iUnbound);
    expect(iUnbound).toBeLessThan(iFree);
    await k.run();
    expect(k.sanitizer.byKind('execute-after-free')).toHaveLength(0);
    expect(log).toEqual(['probe owner=edu', 'remove']);
  });

  it('the same driver with an unmanaged, uncancelled timer: EAF at expiry', async () => {
    const k = new Kernel();
    const { bus, dev } = setup(k);
    await syscall(k, 'add', () => deviceAdd(dev));
    const log: string[] = [];
    await syscall(k, 'insmod', () => loadModule(k, eduModule(k, bus, false, log)));
    await syscall(k, 'rmmod', () => deleteModule(k, 'edu'));
    await k.run();
    expect(k.sanitizer.byKind('execute-after-free').map((r) => r.resource)).toEqual(['edu_poll [edu]']);
    expect(log).not.toContain('poll');
  });

  it('drivers listed in the definition register after init and unregister before exit', async () => {
    const k = new Kernel();
    const { bus, dev } = setup(k);
    await syscall(k, 'add', () => deviceAdd(dev));
    const log: string[] = [];
    await syscall(k, 'insmod', () =>
      loadModule(
        k,
        defineModule({
          name: 'edu',
          init: () => void log.push('init'),
          exit: () => void log.push('exit'),
          drivers: [
            {
              bus,
              driver: (mod) => ({
                name: 'edu',
                owner: mod,
                probe: async () => void log.push('probe'),
                remove: async () => void log.push('remove'),
              }),
            },
          ],
        }),
      ),
    );
    await syscall(k, 'rmmod', () => deleteModule(k, 'edu'));
    expect(log).toEqual(['init', 'probe', 'remove', 'exit']);
  });

  it('a driver registration failing at load undoes init and fails the load with its error', async () => {
    const k = new Kernel();
    const { bus } = setup(k);
    const log: string[] = [];
    const drv = (name: string) => (mod: Module) => ({ name, owner: mod, probe: async () => undefined });
    const r = await attempt(k, () =>
      loadModule(
        k,
        defineModule({
          name: 'edu',
          init: () => void log.push('init'),
          exit: () => void log.push('exit'),
          drivers: [
            { bus, driver: drv('a') },
            { bus, driver: drv('a') }, // duplicate name: driver_register -EBUSY
          ],
        }),
      ),
    );
    expect(r).toBe(-16);
    expect(log).toEqual(['init', 'exit']);
    expect(bus.drivers).toEqual([]);
  });

  it('a driver made with another owner is warned about', async () => {
    const k = new Kernel();
    const { bus } = setup(k);
    await syscall(k, 'insmod', () =>
      loadModule(
        k,
        defineModule({ name: 'edu', ...moduleDriver(bus, () => ({ name: 'x', owner: null, probe: async () => {} })) }),
      ),
    );
    expect(k.sanitizer.byKind('warn')).toHaveLength(1);
  });
});
