import { allocWork, flushWork, initWork } from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { kernel, warnings } from './helpers.js';

describe('fidelity: works that were never initialised', () => {
  it('flush_work on a never-initialised work WARNs (WARN_ON(!work->func)) and returns false', async () => {
    const k = kernel();
    const w = allocWork(k);
    expect(await k.exec('t', () => flushWork(w))).toBe(false);
    expect(warnings(k)).toHaveLength(1);
    expect(warnings(k)[0]).toContain('WARN_ON(!work->func)');
  });

  it('INIT_WORK with something that is not a function is a TypeError', () => {
    const k = kernel();
    expect(() => initWork(allocWork(k), null as never)).toThrow(/INIT_WORK: func must be a function/);
  });
});
