import { Kernel } from '@quiesce/core-devres';
import { BUGGY, variantScenario } from '@quiesce/edu-buggy';
import { eduScenario } from '@quiesce/edu-driver';
import { it } from 'vitest';

it('probe', async () => {
  for (const v of BUGGY) {
    const hits: string[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      for (const strategy of ['random', 'pct'] as const) {
        const k = new Kernel({ seed, strategy, cpus: 2 });
        const s = variantScenario(v);
        s.setup(k);
        try { await k.runFor(s.runFor); } catch (e) { hits.push(`oops:${(e as Error).message.slice(0, 80)}`); continue; }
        const kinds = new Set(k.reports.map((r) => r.kind));
        if (kinds.has(v.expect)) hits.push(`${strategy}${seed}`);
        else if (kinds.size) hits.push(`other:${[...kinds].join('+')}`);
      }
    }
    console.log(`bug${v.bug} ${v.expect}: ${hits.length} ${hits.slice(0, 6).join(' ')}`);
  }
  for (const d of ['fenced', 'revocable', 'kernel'] as const) for (const t of [['unbind'], ['rebind'], ['rmmod'], ['reload'], ['surprise'], ['unbind','rmmod']] as const) {
    let bad = 0; let ex = '';
    for (let seed = 1; seed <= 20; seed++) {
      const k = new Kernel({ seed, strategy: seed % 2 ? 'random' : 'pct', cpus: 2 });
      const s = eduScenario('x', { discipline: d, teardown: t, persistentUsers: seed % 3 === 0 });
      s.setup(k);
      try { await k.runFor(s.runFor); } catch (e) { bad++; ex = `oops ${(e as Error).message.slice(0, 120)}`; continue; }
      if (k.reports.length) { bad++; ex = k.reports.map((r) => `${r.kind}: ${r.title}`).join(' | ').slice(0, 200); }
    }
    console.log(`${d} ${t.join('+')}: bad ${bad} ${ex}`);
  }
}, 600_000);
