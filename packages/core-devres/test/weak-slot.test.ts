import { WeakSlot } from '@quiesce/core-devres';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('WeakSlot (a WeakMap whose entries live on their keys)', () => {
  it('behaves as a WeakMap for get, has, set and delete', () => {
    // Model check: random operations on a few keys, WeakSlot against WeakMap.
    const op = fc.tuple(fc.constantFrom('get', 'has', 'set', 'delete'), fc.nat(3), fc.integer());
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const keys = [{}, { a: 1 }, [] as unknown[], Object.freeze({ frozen: true })];
        const slot = new WeakSlot<object, number>('test');
        const model = new WeakMap<object, number>();
        for (const [what, i, v] of ops) {
          const key = keys[i] as object;
          if (what === 'get') expect(slot.get(key)).toBe(model.get(key));
          else if (what === 'has') expect(slot.has(key)).toBe(model.has(key));
          else if (what === 'set') {
            expect(slot.set(key, v)).toBe(slot);
            model.set(key, v);
          } else expect(slot.delete(key)).toBe(model.delete(key));
        }
      }),
    );
  });

  it('keeps two slots apart and hides the entry from enumeration, spread and JSON', () => {
    const a = new WeakSlot<object, string>('a');
    const b = new WeakSlot<object, string>('b');
    const key = { x: 1 };
    a.set(key, 'from a');
    b.set(key, 'from b');
    expect(a.get(key)).toBe('from a');
    expect(b.get(key)).toBe('from b');
    expect(Object.keys(key)).toEqual(['x']);
    expect({ ...key }).toEqual({ x: 1 });
    expect(Object.getOwnPropertySymbols({ ...key })).toEqual([]);
    expect(JSON.stringify(key)).toBe('{"x":1}');
    // A copy is a different key: it has no entry, as with a WeakMap.
    expect(a.get({ ...key })).toBeUndefined();
  });

  it('falls back to a WeakMap for keys that cannot take a property', () => {
    const slot = new WeakSlot<object, number>('test');
    const frozen = Object.freeze({});
    const sealed = Object.seal({});
    const closed = Object.preventExtensions({});
    for (const [i, key] of [frozen, sealed, closed].entries()) {
      expect(slot.get(key)).toBeUndefined();
      slot.set(key, i + 10);
      expect(slot.get(key)).toBe(i + 10);
      expect(slot.delete(key)).toBe(true);
      expect(slot.has(key)).toBe(false);
    }
  });
});
