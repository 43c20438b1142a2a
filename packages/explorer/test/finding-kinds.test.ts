import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/cli/args.js';
import { FINDING_KINDS } from '../src/finding.js';

describe('FINDING_KINDS', () => {
  it('lists every kind once, the kinds added with kmalloc, kmemleak and the MMIO checks among them', () => {
    expect(new Set(FINDING_KINDS).size).toBe(FINDING_KINDS.length);
    for (const k of ['slab-out-of-bounds', 'memory-leak', 'invalid-mmio', 'oops', 'hang'])
      expect(FINDING_KINDS).toContain(k);
  });

  it('--kind accepts the new kinds and still rejects a made-up one', () => {
    const c = parseCommand(['scenario.mjs', '--kind', 'invalid-mmio,slab-out-of-bounds', '--kind', 'memory-leak']);
    expect(c.cmd === 'explore' ? c.kinds : null).toEqual(['invalid-mmio', 'slab-out-of-bounds', 'memory-leak']);
    expect(() => parseCommand(['scenario.mjs', '--kind', 'use-after-lunch'])).toThrow(/--kind must be one of/);
  });
});
