// docs/design.md §6 / issue 9: every buggy variant produces its expected report
// kind on at least one of a fixed set of seeds, and the recorded decisions
// replay to the same report.
import { BUGGY, variantScenario } from '@quiesce/edu-buggy';
import { describe, expect, it } from 'vitest';
import { explain, runScenario, strategyOf } from './helpers.js';

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

describe('each buggy edu variant is caught by the sanitizer', () => {
  for (const v of BUGGY) {
    it(`bug ${v.bug}: ${v.title} → ${v.expect}`, async () => {
      let hit: Awaited<ReturnType<typeof runScenario>> | null = null;
      for (const seed of SEEDS) {
        const r = await runScenario(variantScenario(v), seed, strategyOf(seed));
        if (r.k.reports.some((x) => x.kind === v.expect)) {
          hit = r;
          break;
        }
      }
      expect(hit, `bug ${v.bug} not caught on seeds 1..${SEEDS.length}`).not.toBeNull();
      if (hit === null) return;
      const first = hit.k.reports.find((x) => x.kind === v.expect);
      // Replay: the same decisions give the same report at the same virtual time.
      const again = await runScenario(variantScenario(v), hit.seed, hit.strategy, [...hit.k.decisions]);
      const same = again.k.reports.find((x) => x.kind === v.expect);
      expect(same, explain(hit, 'replay lost the report')).toBeDefined();
      expect([same?.title, same?.resource, same?.time]).toEqual([first?.title, first?.resource, first?.time]);
      expect(again.k.traceLog.length).toBe(hit.k.traceLog.length);
    });
  }
});
