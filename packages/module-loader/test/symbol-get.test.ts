import { Kernel } from '@quiesce/core-devres';
import {
  defineModule,
  deleteModule,
  exportSymbol,
  loadModule,
  O_NONBLOCK,
  O_TRUNC,
  symbolGet,
  symbolPut,
} from '@quiesce/module-loader';
import { describe, expect, it } from 'vitest';
import { attempt, EWOULDBLOCK, syscall } from './helpers.js';

async function provider(k: Kernel): Promise<void> {
  function prov_answer(x: number): number {
    return 40 + x;
  }
  await syscall(k, 'insmod', () =>
    loadModule(
      k,
      defineModule({
        name: 'prov',
        init: () => undefined,
        exit: () => undefined,
        exports: { prov_answer, prov_table: [1, 2] },
      }),
    ),
  );
}

type Answer = (x: number) => number | undefined;

describe('symbol_get / symbol_put', () => {
  it('a function taken with symbol_get works while its module lives, and pins it', async () => {
    const k = new Kernel();
    await provider(k);
    const f = symbolGet<Answer>(k, 'prov_answer');
    expect(f?.(2)).toBe(42);
    expect(symbolGet(k, 'prov_answer')).toBe(f); // the same pointer every time
    expect(await attempt(k, () => deleteModule(k, 'prov', O_NONBLOCK))).toBe(EWOULDBLOCK);
    symbolPut(k, 'prov_answer');
    symbolPut(k, 'prov_answer');
    expect(k.reports).toEqual([]);
  });

  it('called after symbol_put and rmmod: execute-after-free naming the symbol and module; the call is not made', async () => {
    const k = new Kernel();
    await provider(k);
    const f = symbolGet<Answer>(k, 'prov_answer') as Answer;
    symbolPut(k, 'prov_answer');
    expect(await attempt(k, () => deleteModule(k, 'prov', O_NONBLOCK))).toBe(0);
    expect(f(2)).toBeUndefined();
    const r = k.sanitizer.byKind('execute-after-free');
    expect(r).toHaveLength(1);
    expect(r[0]?.resource).toBe('prov_answer [prov]');
    expect(r[0]?.detail).toContain('symbol_get callback');
    expect(r[0]?.stacks.acquired).toBeDefined(); // where symbol_get took it
  });

  it('a forced unload while the reference is held: the call is execute-after-free too', async () => {
    const k = new Kernel();
    await provider(k);
    const f = symbolGet<Answer>(k, 'prov_answer') as Answer;
    expect(await attempt(k, () => deleteModule(k, 'prov', O_NONBLOCK | O_TRUNC))).toBe(0);
    expect(f(1)).toBeUndefined();
    expect(k.reports.map((x) => x.kind)).toContain('execute-after-free');
  });

  it('data symbols and built-in functions come back as they are; unknown symbols are null', async () => {
    const k = new Kernel();
    await provider(k);
    function builtin_fn(): number {
      return 7;
    }
    exportSymbol(k, 'builtin_fn', builtin_fn);
    expect(symbolGet(k, 'prov_table')).toEqual([1, 2]);
    expect(symbolGet(k, 'builtin_fn')).toBe(builtin_fn);
    expect(symbolGet(k, 'nope')).toBeNull();
    expect(() => symbolGet(k, 5 as unknown as string)).toThrow(TypeError);
  });
});
