import { Kernel } from '@quiesce/core-devres';
import { eduScenario } from '@quiesce/edu-driver';
import { describe, expect, it } from 'vitest';

describe('edu smoke', () => {
  for (const d of ['fenced', 'revocable', 'kernel'] as const) {
    it(`${d} unbind`, async () => {
      const k = new Kernel({ seed: 1 });
      const s = eduScenario(`edu-${d}`, { discipline: d, teardown: ['unbind'] });
      s.setup(k);
      await k.runFor(s.runFor);
      const w = s.world!;
      console.log(d, w.ioctls, [...w.userErrors], w.teardownDone, k.reports.map((r) => r.title));
      expect(k.reports).toEqual([]);
    });
  }
});
