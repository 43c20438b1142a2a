import { Kernel, msleep } from '@quiesce/core-devres';
import {
  defineModule,
  deleteModule,
  findModule,
  loadModule,
  lsmod,
  type ModuleDefinition,
  moduleRefcount,
  O_NONBLOCK,
  O_TRUNC,
  tryModuleGet,
} from '@quiesce/module-loader';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attempt, EBUSY, ENOENT, EWOULDBLOCK } from './helpers.js';

const FORCE = O_NONBLOCK | O_TRUNC;

function counting(name: string, extra: Partial<ModuleDefinition> = {}) {
  const calls = { init: 0, exit: 0 };
  const def = defineModule({
    name,
    init: () => {
      calls.init++;
    },
    exit: () => {
      calls.exit++;
    },
    ...extra,
  });
  return { def, calls };
}

async function load(k: Kernel, def: ModuleDefinition) {
  return k.exec(`insmod ${def.name}`, () => loadModule(k, def));
}

describe('delete_module checks', () => {
  it('flag values are the uapi ones', () => {
    expect(O_NONBLOCK).toBe(0o4000);
    expect(O_TRUNC).toBe(0o1000);
  });

  it('an unused live module unloads: exit runs once, then its text is freed and it leaves the list', async () => {
    const k = new Kernel();
    const { def, calls } = counting('m');
    const mod = await load(k, def);
    expect(await attempt(k, () => deleteModule(k, 'm'))).toBe(0);
    expect(calls).toEqual({ init: 1, exit: 1 });
    expect(mod.textFreed).toBe(true);
    expect(findModule(k, 'm')).toBeNull();
    expect(lsmod(k)).toEqual([]);
    expect(k.tainted).toBe(false);
  });

  it('1. no such module: -ENOENT (also once unloaded)', async () => {
    const k = new Kernel();
    expect(await attempt(k, () => deleteModule(k, 'nope'))).toBe(ENOENT);
    expect(await attempt(k, () => deleteModule(k, 'nope', FORCE))).toBe(ENOENT);
    await load(k, defineModule({ name: 'm' }));
    expect(await attempt(k, () => deleteModule(k, 'm'))).toBe(0);
    expect(await attempt(k, () => deleteModule(k, 'm'))).toBe(ENOENT);
  });

  it('2. used by another module: -EWOULDBLOCK even forced, before any force check (no taint)', async () => {
    const k = new Kernel();
    const base = counting('base', { exports: { base_fn: () => 1 } });
    const user = counting('user', { imports: ['base_fn'] });
    const b = await load(k, base.def);
    await load(k, user.def);
    expect(moduleRefcount(b)).toBe(1);
    expect(await attempt(k, () => deleteModule(k, 'base'))).toBe(EWOULDBLOCK);
    expect(await attempt(k, () => deleteModule(k, 'base', FORCE))).toBe(EWOULDBLOCK);
    expect(k.tainted).toBe(false);
    expect(base.calls.exit).toBe(0);
    expect(b.state).toBe('LIVE');
    // unloading the user drops the pin; then the provider goes
    expect(await attempt(k, () => deleteModule(k, 'user'))).toBe(0);
    expect(moduleRefcount(b)).toBe(0);
    expect(await attempt(k, () => deleteModule(k, 'base'))).toBe(0);
    expect(base.calls.exit).toBe(1);
  });

  it('3. not LIVE: -EBUSY while COMING (init sleeping), even forced and before the no-exit check', async () => {
    const k = new Kernel();
    // init but no exit, so check 4 would also fail, and force would taint if reached
    const def = defineModule({ name: 'slow', init: () => msleep(k, 10) });
    k.spawn('insmod', () => loadModule(k, def));
    const results: number[] = [];
    k.spawn('rmmod', async () => {
      await msleep(k, 1);
      for (const flags of [O_NONBLOCK, FORCE]) {
        try {
          await deleteModule(k, 'slow', flags);
          results.push(0);
        } catch (e) {
          results.push((e as { errno: number }).errno);
        }
      }
    });
    await k.run();
    expect(results).toEqual([EBUSY, EBUSY]);
    expect(k.tainted).toBe(false);
    expect(findModule(k, 'slow')?.state).toBe('LIVE');
  });

  it('3. not LIVE: -EBUSY while GOING (a second rmmod during a sleeping exit)', async () => {
    const k = new Kernel();
    let exits = 0;
    const def = defineModule({
      name: 'm',
      exit: async () => {
        await msleep(k, 10);
        exits++;
      },
    });
    await load(k, def);
    k.spawn('rmmod1', () => deleteModule(k, 'm'));
    let second: number | undefined;
    k.spawn('rmmod2', async () => {
      await msleep(k, 1);
      try {
        await deleteModule(k, 'm', FORCE);
        second = 0;
      } catch (e) {
        second = (e as { errno: number }).errno;
      }
    });
    await k.run();
    expect(second).toBe(EBUSY);
    expect(exits).toBe(1);
    expect(findModule(k, 'm')).toBeNull();
    expect(k.tainted).toBe(false);
  });

  it('4. init but no exit: -EBUSY unless forced; forced, it unloads and taints', async () => {
    const k = new Kernel();
    let inits = 0;
    const mod = await load(
      k,
      defineModule({
        name: 'perm',
        init: () => {
          inits++;
        },
      }),
    );
    expect(lsmod(k)[0]?.permanent).toBe(true);
    expect(await attempt(k, () => deleteModule(k, 'perm'))).toBe(EBUSY);
    expect(k.tainted).toBe(false);
    expect(mod.state).toBe('LIVE');
    expect(await attempt(k, () => deleteModule(k, 'perm', FORCE))).toBe(0);
    expect(k.tainted).toBe(true);
    expect(mod.textFreed).toBe(true);
    expect(inits).toBe(1);
  });

  it('4 before 5: init without exit and references held, unforced → -EBUSY (not -EWOULDBLOCK)', async () => {
    const k = new Kernel();
    const mod = await load(k, defineModule({ name: 'perm', init: () => undefined }));
    expect(tryModuleGet(mod)).toBe(true);
    expect(await attempt(k, () => deleteModule(k, 'perm'))).toBe(EBUSY);
    expect(moduleRefcount(mod)).toBe(1);
  });

  it('a module with neither init nor exit unloads without force (mod->init is NULL)', async () => {
    const k = new Kernel();
    await load(k, defineModule({ name: 'bare' }));
    expect(lsmod(k)[0]?.permanent).toBe(false);
    expect(await attempt(k, () => deleteModule(k, 'bare'))).toBe(0);
    expect(k.tainted).toBe(false);
  });

  it('5. references beyond the base: -EWOULDBLOCK, exit not called, count and state untouched, no waiting', async () => {
    const k = new Kernel();
    const { def, calls } = counting('m');
    const mod = await load(k, def);
    expect(tryModuleGet(mod)).toBe(true); // e.g. an open file
    const t0 = k.now;
    expect(await attempt(k, () => deleteModule(k, 'm'))).toBe(EWOULDBLOCK);
    expect(k.now).toBe(t0);
    expect(calls.exit).toBe(0);
    expect(mod.state).toBe('LIVE');
    expect(moduleRefcount(mod)).toBe(1);
    expect(tryModuleGet(mod)).toBe(true); // still live and gettable
    expect(moduleRefcount(mod)).toBe(2);
  });

  it('5. forced with references held: unloads at once, taints, the references stay counted', async () => {
    const k = new Kernel();
    const { def, calls } = counting('m');
    const mod = await load(k, def);
    expect(tryModuleGet(mod)).toBe(true);
    expect(await attempt(k, () => deleteModule(k, 'm', FORCE))).toBe(0);
    expect(k.tainted).toBe(true);
    expect(calls.exit).toBe(1);
    expect(mod.textFreed).toBe(true);
    expect(moduleRefcount(mod)).toBe(1);
    mod.put(); // the holder lets go late: no warning (the reference was real)
    expect(k.sanitizer.byKind('warn')).toHaveLength(0);
  });

  it('the force flag alone does not taint an unload that needs no force', async () => {
    const k = new Kernel();
    await load(k, counting('m').def);
    expect(await attempt(k, () => deleteModule(k, 'm', FORCE))).toBe(0);
    expect(k.tainted).toBe(false);
  });

  it('property: unforced delete fails -EWOULDBLOCK iff references are held, and leaves the count as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('get', 'put', 'rmmod'), { maxLength: 30 }), async (ops) => {
        const k = new Kernel({ trace: false });
        const mod = await load(k, defineModule({ name: 'm', exit: () => undefined }));
        let held = 0;
        let warns = 0;
        let gone = false;
        for (const op of ops) {
          if (gone) break;
          if (op === 'get') {
            expect(tryModuleGet(mod)).toBe(true);
            held++;
          } else if (op === 'put') {
            mod.put();
            if (held > 0) held--;
            else warns++;
          } else {
            const r = await attempt(k, () => deleteModule(k, 'm'));
            expect(r).toBe(held > 0 ? EWOULDBLOCK : 0);
            gone = r === 0;
          }
          if (!gone) expect(moduleRefcount(mod)).toBe(held);
        }
        expect(k.sanitizer.byKind('warn')).toHaveLength(warns);
        expect(mod.textFreed).toBe(gone);
      }),
      { numRuns: 60 },
    );
  });
});
