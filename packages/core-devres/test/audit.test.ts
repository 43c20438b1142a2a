import { devmAddAction, devmAddActionOrReset } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { world } from './helpers.js';

describe('fidelity: devm_add_action with no function', () => {
  it('is a TypeError at setup (the kernel would oops at unbind) and registers nothing', async () => {
    const { k, dev } = world();
    expect(() => devmAddAction(dev, null as never, 1)).toThrow(/devm_add_action: action must be a function/);
    await expect(k.exec('t', () => devmAddActionOrReset(dev, 3 as never, 1))).rejects.toThrow(TypeError);
    expect(dev.devres).toEqual([]);
  });
});
