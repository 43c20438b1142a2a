import { Kernel, modulePutOwner, msleep, tryModuleGetOwner } from '@quiesce/core-devres';
import {
  __moduleGet,
  defineModule,
  deleteModule,
  loadModule,
  type Module,
  moduleIsLive,
  modulePut,
  moduleRefcount,
  tryModuleGet,
} from '@quiesce/module-loader';
import { describe, expect, it } from 'vitest';

describe('try_module_get / module_put', () => {
  it('a live module with nobody holding it has refcount 0; each get adds one, each put drops one', async () => {
    const k = new Kernel();
    const mod = await k.exec('insmod', () => loadModule(k, defineModule({ name: 'm' })));
    expect(mod.state).toBe('LIVE');
    expect(moduleRefcount(mod)).toBe(0);
    expect(tryModuleGet(mod)).toBe(true);
    expect(tryModuleGet(mod)).toBe(true);
    expect(moduleRefcount(mod)).toBe(2);
    modulePut(mod);
    modulePut(mod);
    expect(moduleRefcount(mod)).toBe(0);
    expect(k.sanitizer.byKind('warn')).toHaveLength(0);
  });

  it('succeeds while COMING (init holds one reference of its own)', async () => {
    const k = new Kernel();
    const seen: { state: string; got: boolean; refcount: number }[] = [];
    await k.exec('insmod', () =>
      loadModule(
        k,
        defineModule({
          name: 'm',
          init: (mod) => {
            const got = tryModuleGet(mod);
            seen.push({ state: mod.state, got, refcount: moduleRefcount(mod) });
            modulePut(mod);
          },
        }),
      ),
    );
    // module_unload_init holds one reference across init; our get is the second.
    expect(seen).toEqual([{ state: 'COMING', got: true, refcount: 2 }]);
  });

  it('fails once GOING: exit() observes try_module_get() false, module_is_live() false, refcount -1', async () => {
    const k = new Kernel();
    const seen: unknown[] = [];
    await k.exec('insmod', () =>
      loadModule(
        k,
        defineModule({
          name: 'm',
          exit: (mod) => {
            seen.push(mod.state, mod.tryGet(), tryModuleGetOwner(mod), moduleIsLive(mod), moduleRefcount(mod));
          },
        }),
      ),
    );
    await k.exec('rmmod', () => deleteModule(k, 'm'));
    expect(seen).toEqual(['GOING', false, false, false, -1]);
  });

  it('fails for another task while exit sleeps, and after the module is gone', async () => {
    const k = new Kernel();
    const mod = await k.exec('insmod', () => loadModule(k, defineModule({ name: 'm', exit: () => msleep(k, 10) })));
    k.spawn('rmmod', () => deleteModule(k, 'm'));
    let during: boolean | undefined;
    k.spawn('user', async () => {
      await msleep(k, 5);
      during = tryModuleGet(mod);
    });
    await k.run();
    expect(during).toBe(false);
    expect(mod.textFreed).toBe(true);
    expect(tryModuleGet(mod)).toBe(false);
  });

  it('built-in code (null owner) always gets and put is a no-op', () => {
    expect(tryModuleGetOwner(null)).toBe(true);
    expect(tryModuleGet(null)).toBe(true);
    modulePutOwner(null);
    modulePut(null);
    __moduleGet(null);
  });

  it('module_put below zero warns and leaves the count alone', async () => {
    const k = new Kernel();
    const mod = await k.exec('insmod', () => loadModule(k, defineModule({ name: 'm' })));
    modulePut(mod);
    expect(moduleRefcount(mod)).toBe(0);
    const warns = k.sanitizer.byKind('warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]?.resource).toBe('m');
    // the module is still usable and unloadable
    expect(tryModuleGet(mod)).toBe(true);
    modulePut(mod);
    await k.exec('rmmod', () => deleteModule(k, 'm'));
    expect(mod.textFreed).toBe(true);
  });

  it('__module_get always increments, even on a GOING module', async () => {
    const k = new Kernel();
    let refcount: number | undefined;
    const m: Module = await k.exec('insmod', () =>
      loadModule(
        k,
        defineModule({
          name: 'm',
          exit: (mod) => {
            __moduleGet(mod); // a holder that already had a reference
            refcount = moduleRefcount(mod);
          },
        }),
      ),
    );
    __moduleGet(m);
    expect(moduleRefcount(m)).toBe(1);
    modulePut(m);
    await k.exec('rmmod', () => deleteModule(k, 'm'));
    expect(refcount).toBe(0); // -1 after the base was released, +1
  });
});
