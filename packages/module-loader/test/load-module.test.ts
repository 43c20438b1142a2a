import { callbackRunnable, Kernel, KernelError, msleep, timerEntry } from '@quiesce/core-devres';
import {
  defineModule,
  deleteModule,
  ENOEXEC,
  exportSymbol,
  findModule,
  formatLsmod,
  loadModule,
  lsmod,
  moduleRefcount,
  procModules,
  symbolGet,
  symbolPut,
  thisModule,
  tryModuleGet,
} from '@quiesce/module-loader';
import { describe, expect, it } from 'vitest';
import { attempt, EBUSY, EEXIST, ENOENT } from './helpers.js';

describe('loadModule', () => {
  it('goes UNFORMED → COMING → LIVE; init sees COMING and THIS_MODULE', async () => {
    const k = new Kernel();
    const seen: unknown[] = [];
    const mod = await k.exec('insmod', () =>
      loadModule(
        k,
        defineModule({
          name: 'edu',
          init: async (m) => {
            seen.push(m.state, thisModule(k) === m);
            await msleep(k, 1); // init may sleep
          },
        }),
      ),
    );
    expect(seen).toEqual(['COMING', true]);
    expect(mod.state).toBe('LIVE');
    expect(thisModule(k)).toBeNull();
    const states = k.traceLog.filter((e) => e.ev === 'module_state' || e.ev === 'module_load').map((e) => e.detail);
    expect(states).toEqual(['edu UNFORMED', 'edu COMING', 'edu LIVE']);
  });

  it('-EEXIST when a module of that name is loaded; the first one is untouched', async () => {
    const k = new Kernel();
    const first = await k.exec('insmod', () => loadModule(k, defineModule({ name: 'm' })));
    let inits = 0;
    const again = defineModule({
      name: 'm',
      init: () => {
        inits++;
      },
    });
    expect(await attempt(k, () => loadModule(k, again))).toBe(EEXIST);
    expect(inits).toBe(0);
    expect(findModule(k, 'm')).toBe(first);
    expect(lsmod(k)).toHaveLength(1);
  });

  it('a failing init: GOING, freed, exit not called, the same error thrown, the name free again', async () => {
    const k = new Kernel();
    const err = new KernelError('ENODEV', 'no hardware');
    const log: string[] = [];
    let mod: unknown;
    const def = defineModule({
      name: 'bad',
      init: (m) => {
        mod = m;
        log.push(`init ${m.state}`);
        throw err;
      },
      exit: () => {
        log.push('exit');
      },
    });
    let thrown: unknown;
    await k.exec('insmod', async () => {
      try {
        await loadModule(k, def);
      } catch (e) {
        thrown = e;
      }
    });
    expect(thrown).toBe(err);
    expect(log).toEqual(['init COMING']);
    const m = mod as { state: string; textFreed: boolean };
    expect(m.textFreed).toBe(true);
    expect(findModule(k, 'bad')).toBeNull();
    const states = k.traceLog
      .filter((e) => e.ev === 'module_state')
      .map((e) => e.detail.split(' ').slice(0, 2).join(' '));
    expect(states).toEqual(['bad COMING', 'bad GOING']);
    // loadable again
    expect(await attempt(k, () => loadModule(k, defineModule({ name: 'bad' })))).toBe(0);
  });

  it('a failing init that left a timer armed: the timer firing later is an execute-after-free', async () => {
    const k = new Kernel();
    let ran = 0;
    function bad_timer_fn(): void {
      ran++;
    }
    const def = defineModule({
      name: 'bad',
      init: (mod) => {
        const e = timerEntry('timer bad_timer_fn', 0, () =>
          k.runAtomic('softirq', 0, 'timer', () => {
            if (callbackRunnable(k, mod, bad_timer_fn.name, 'timer', undefined)) bad_timer_fn();
          }),
        );
        k.armTimer(e, k.now + 1000);
        throw new KernelError('ENOMEM');
      },
    });
    expect(await attempt(k, () => loadModule(k, def))).toBe(-12);
    await k.run();
    expect(ran).toBe(0);
    expect(k.sanitizer.byKind('execute-after-free').map((r) => r.resource)).toEqual(['bad_timer_fn [bad]']);
  });

  it('symbols: an importer pins its provider (refcount, used by) until it is unloaded', async () => {
    const k = new Kernel();
    const add = (a: number, b: number) => a + b;
    const core = await k.exec('insmod', () =>
      loadModule(k, defineModule({ name: 'core', exports: { core_add: add } })),
    );
    let result = 0;
    const user = await k.exec('insmod', () =>
      loadModule(
        k,
        defineModule({
          name: 'user',
          imports: ['core_add'],
          init: (m) => {
            result = m.symbol<typeof add>('core_add')(2, 3);
          },
          exit: () => undefined,
        }),
      ),
    );
    expect(result).toBe(5);
    expect(moduleRefcount(core)).toBe(1);
    expect(core.usedBy).toEqual([user]);
    expect(user.uses).toEqual([core]);
    expect(lsmod(k).find((r) => r.name === 'core')?.usedBy).toEqual(['user']);
    await k.exec('rmmod', () => deleteModule(k, 'user'));
    expect(moduleRefcount(core)).toBe(0);
    expect(core.usedBy).toEqual([]);
  });

  it('importing two symbols of one provider pins it once', async () => {
    const k = new Kernel();
    const core = await k.exec('insmod', () => loadModule(k, defineModule({ name: 'core', exports: { a: 1, b: 2 } })));
    await k.exec('insmod', () => loadModule(k, defineModule({ name: 'user', imports: ['a', 'b'] })));
    expect(moduleRefcount(core)).toBe(1);
  });

  it('an unknown symbol fails the load with -ENOENT before init, leaving nothing behind', async () => {
    const k = new Kernel();
    const core = await k.exec('insmod', () => loadModule(k, defineModule({ name: 'core', exports: { a: 1 } })));
    let inits = 0;
    const def = defineModule({
      name: 'user',
      imports: ['a', 'missing_fn'],
      init: () => {
        inits++;
      },
    });
    expect(await attempt(k, () => loadModule(k, def))).toBe(ENOENT);
    expect(inits).toBe(0);
    expect(findModule(k, 'user')).toBeNull();
    expect(moduleRefcount(core)).toBe(0); // the pin taken for 'a' was dropped
    expect(core.usedBy).toEqual([]);
  });

  it('a provider still in init: the importer fails with -EBUSY', async () => {
    const k = new Kernel();
    k.spawn('insmod core', () =>
      loadModule(k, defineModule({ name: 'core', exports: { a: 1 }, init: () => msleep(k, 10) })),
    );
    let r: number | undefined;
    k.spawn('insmod user', async () => {
      await msleep(k, 1);
      try {
        await loadModule(k, defineModule({ name: 'user', imports: ['a'] }));
        r = 0;
      } catch (e) {
        r = (e as KernelError).errno;
      }
    });
    await k.run();
    expect(r).toBe(EBUSY);
  });

  it('a provider that is GOING cannot be pinned: -ENOENT', async () => {
    const k = new Kernel();
    await k.exec('insmod', () =>
      loadModule(k, defineModule({ name: 'core', exports: { a: 1 }, exit: () => msleep(k, 10) })),
    );
    k.spawn('rmmod core', () => deleteModule(k, 'core'));
    let r: number | undefined;
    k.spawn('insmod user', async () => {
      await msleep(k, 1);
      try {
        await loadModule(k, defineModule({ name: 'user', imports: ['a'] }));
        r = 0;
      } catch (e) {
        r = (e as KernelError).errno;
      }
    });
    await k.run();
    expect(r).toBe(ENOENT);
  });

  it('exporting a symbol someone else exports is -ENOEXEC', async () => {
    const k = new Kernel();
    exportSymbol(k, 'printk', () => undefined);
    await k.exec('insmod', () => loadModule(k, defineModule({ name: 'a', exports: { a_fn: 1 } })));
    expect(await attempt(k, () => loadModule(k, defineModule({ name: 'b', exports: { a_fn: 2 } })))).toBe(-ENOEXEC);
    expect(await attempt(k, () => loadModule(k, defineModule({ name: 'c', exports: { printk: 2 } })))).toBe(-ENOEXEC);
    expect(ENOEXEC).toBe(8);
    expect(findModule(k, 'b')).toBeNull();
  });

  it('built-in symbols resolve without pinning anything', async () => {
    const k = new Kernel();
    exportSymbol(k, 'printk', 'builtin');
    const m = await k.exec('insmod', () => loadModule(k, defineModule({ name: 'user', imports: ['printk'] })));
    expect(m.symbol('printk')).toBe('builtin');
    expect(m.uses).toEqual([]);
  });

  it('symbol_get pins the provider (blocking its unload); symbol_put releases it', async () => {
    const k = new Kernel();
    const core = await k.exec('insmod', () =>
      loadModule(k, defineModule({ name: 'core', exports: { core_fn: 42 }, exit: () => undefined })),
    );
    expect(symbolGet(k, 'nope')).toBeNull();
    expect(symbolGet<number>(k, 'core_fn')).toBe(42);
    expect(moduleRefcount(core)).toBe(1);
    expect(await attempt(k, () => deleteModule(k, 'core'))).toBe(-11);
    symbolPut(k, 'core_fn');
    expect(moduleRefcount(core)).toBe(0);
    expect(await attempt(k, () => deleteModule(k, 'core'))).toBe(0);
    expect(symbolGet(k, 'core_fn')).toBeNull();
    expect(() => symbolPut(k, 'core_fn')).toThrow(/BUG/);
  });

  it('loadModule outside a task throws (it may sleep)', async () => {
    const k = new Kernel();
    await expect(loadModule(k, defineModule({ name: 'm' }))).rejects.toThrow(/outside a kernel task/);
  });

  it('defineModule rejects bad names with -EINVAL', () => {
    expect(() => defineModule({ name: '' })).toThrow(KernelError);
    expect(() => defineModule({ name: 'a/b' })).toThrow(/EINVAL/);
    expect(() => defineModule({ name: 'x'.repeat(56) })).toThrow(/EINVAL/);
  });
});

describe('lsmod', () => {
  it('rows newest first with refcount, users, state; /proc/modules and lsmod text', async () => {
    const k = new Kernel();
    await k.exec('insmod', () => loadModule(k, defineModule({ name: 'core', exports: { c: 1 }, size: 20480 })));
    const edu = await k.exec('insmod', () =>
      loadModule(k, defineModule({ name: 'edu', imports: ['c'], init: () => undefined })),
    );
    expect(tryModuleGet(edu)).toBe(true);
    expect(lsmod(k)).toEqual([
      { name: 'edu', size: 16384, refcount: 1, usedBy: [], permanent: true, state: 'LIVE' },
      { name: 'core', size: 20480, refcount: 1, usedBy: ['edu'], permanent: false, state: 'LIVE' },
    ]);
    expect(procModules(k)).toBe(
      'edu 16384 1 [permanent], Live 0x0000000000000000\ncore 20480 1 edu, Live 0x0000000000000000\n',
    );
    expect(formatLsmod(k)).toBe(
      'Module                  Size  Used by\n' +
        'edu                    16384  1\n' +
        'core                   20480  1 edu\n',
    );
  });

  it('shows Loading while init runs and Unloading while exit runs; an unused module prints -', async () => {
    const k = new Kernel();
    const seen: string[] = [];
    await k.exec('insmod', () =>
      loadModule(
        k,
        defineModule({
          name: 'm',
          init: () => {
            seen.push(procModules(k));
          },
          exit: () => {
            seen.push(procModules(k));
          },
        }),
      ),
    );
    seen.push(procModules(k));
    await k.exec('rmmod', () => deleteModule(k, 'm'));
    seen.push(procModules(k));
    expect(seen).toEqual([
      'm 16384 1 - Loading 0x0000000000000000\n',
      'm 16384 0 - Live 0x0000000000000000\n',
      'm 16384 -1 - Unloading 0x0000000000000000\n',
      '',
    ]);
  });
});
