import { explore } from '@quiesce/explorer';
import * as toy from '/work/main/packages/explorer/scenarios/toy.mjs';
for (const s of ['buggy','misordered','fenced']) {
  for (const strategy of ['random','pct','exhaustive']) {
    const r = await explore(toy[s], { strategy, schedules: strategy==='exhaustive'? 100000 : 1000, preemptions: 2 });
    console.log(s, strategy, r.summary, r.elapsedMs.toFixed(0), r.findings.map(f => [f.decisions.length, f.preemptions, f.shrunk, f.shrunkPreemptions, f.shrinkRuns]));
  }
}
const r = await explore(toy.buggy, {});
console.log(r.findings[0].text); console.log(r.findings[0].trace.text);
