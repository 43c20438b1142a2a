import { describe, expect, it } from 'vitest';
import { choiceOf, kindsOf } from '../../src/ui/kinds.js';
import {
  BOUND_MAX,
  BUDGET_MAX,
  clampStep,
  hashOf,
  type Selection,
  selectionFromHash,
  updateSelection,
} from '../../src/ui/state.js';
import { CATALOGUE } from './fake-engine.js';

const sel: Selection = {
  discipline: 'fenced',
  bug: 4,
  teardown: 'unbind',
  strategy: 'random',
  budget: 100,
  seed: 1,
  workers: 2,
  kinds: 'all',
  bound: 2,
};

describe('updateSelection', () => {
  it('parses the mistake: "none" is the correct driver', () => {
    expect(updateSelection(sel, 'bug', 'none').bug).toBeNull();
    expect(updateSelection(sel, 'bug', '7').bug).toBe(7);
  });

  it('clamps numbers into range and keeps the old value for a non-number', () => {
    expect(updateSelection(sel, 'budget', '0').budget).toBe(1);
    expect(updateSelection(sel, 'budget', String(BUDGET_MAX + 1)).budget).toBe(BUDGET_MAX);
    expect(updateSelection(sel, 'budget', '2.9').budget).toBe(2);
    expect(updateSelection(sel, 'budget', '').budget).toBe(100);
    expect(updateSelection(sel, 'workers', 'abc').workers).toBe(2);
  });

  it('accepts the kind choices the form offers and refuses others', () => {
    expect(updateSelection(sel, 'kinds', 'use-after-remove').kinds).toBe('use-after-remove');
    expect(updateSelection(sel, 'kinds', 'memory').kinds).toBe('memory');
    expect(() => updateSelection(sel, 'kinds', 'use-after-lunch')).toThrow(TypeError);
    expect(updateSelection(sel, 'bound', '99').bound).toBe(BOUND_MAX);
  });

  it('throws a TypeError naming an unknown field', () => {
    expect(() => updateSelection(sel, 'colour', 'red')).toThrow(TypeError);
    expect(() => updateSelection(sel, 'colour', 'red')).toThrow(/"colour"/);
  });
});

describe('selectionFromHash', () => {
  it('takes the fields a link names', () => {
    expect(
      selectionFromHash('#discipline=revocable&bug=4&teardown=rmmod&strategy=pct&budget=250&seed=9', CATALOGUE),
    ).toEqual({ discipline: 'revocable', bug: 4, teardown: 'rmmod', strategy: 'pct', budget: 250, seed: 9 });
    expect(selectionFromHash('#bug=none', CATALOGUE)).toEqual({ bug: null });
    expect(selectionFromHash('#kinds=memory&bound=3', CATALOGUE)).toEqual({ kinds: 'memory', bound: 3 });
  });

  it('drops ids the catalogue lacks and numbers out of range', () => {
    expect(
      selectionFromHash(
        '#discipline=nope&bug=11&teardown=reboot&budget=0&seed=-1&workers=1.5&kinds=x&bound=99',
        CATALOGUE,
      ),
    ).toEqual({});
  });
});

describe('clampStep', () => {
  it('keeps the index inside the steps, 0 with none', () => {
    expect(clampStep(5, 3)).toBe(2);
    expect(clampStep(-1, 3)).toBe(0);
    expect(clampStep(4, 0)).toBe(0);
  });
});

describe('kind choices', () => {
  it('map to the request and back', () => {
    expect(kindsOf('all')).toBeUndefined();
    expect(kindsOf('leak-at-unbind')).toEqual(['leak-at-unbind']);
    expect(choiceOf(undefined)).toBe('all');
    expect(choiceOf(kindsOf('memory'))).toBe('memory');
    expect(choiceOf(['execute-after-free'])).toBe('execute-after-free');
    // A set the form cannot name shows as the nearest one it offers.
    expect(choiceOf(['use-after-remove', 'double-free'])).toBe('memory');
    expect(choiceOf(['warn', 'hang'])).toBe('all');
  });

  it('memory is every memory-safety kind: freed or out-of-bounds memory, or freed code, used', () => {
    // Written out from what each report means (KASAN's reports and their
    // devres/fence/module analogues), in --kind help order; no leak, WARN,
    // sleep-in-atomic, MMIO offset, lock or oops kind among them.
    expect(kindsOf('memory')).toEqual([
      'use-after-remove',
      'use-after-free',
      'slab-out-of-bounds',
      'double-free',
      'invalid-free',
      'execute-after-free',
      'double-release',
      'callback-after-fence',
    ]);
    // A matrix cell's memory-safety kinds (docs/disciplines.md) are a subset: the memory choice.
    expect(choiceOf(['use-after-remove', 'execute-after-free', 'callback-after-fence', 'double-release'])).toBe(
      'memory',
    );
    expect(choiceOf(['slab-out-of-bounds', 'use-after-free'])).toBe('memory');
    expect(choiceOf(['slab-out-of-bounds', 'memory-leak'])).toBe('all');
  });
});

describe('hashOf', () => {
  it('round-trips through selectionFromHash, workers aside', () => {
    const back = selectionFromHash(hashOf({ ...sel, kinds: 'memory' }), CATALOGUE);
    expect(back).toEqual({
      discipline: 'fenced',
      bug: 4,
      teardown: 'unbind',
      strategy: 'random',
      budget: 100,
      seed: 1,
      kinds: 'memory',
    });
    expect(selectionFromHash(hashOf({ ...sel, bug: null, strategy: 'exhaustive', bound: 3 }), CATALOGUE)).toMatchObject(
      {
        bug: null,
        strategy: 'exhaustive',
        bound: 3,
      },
    );
  });
});
