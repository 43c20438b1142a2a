// Issue 18: does PCT keep its promise on the teardown races? For each race,
// the hit rate over a fixed range of seeds and the median first failure
// over 20 seed bases, for random, PCT (the explorer's chooser: due timers
// and IRQs are prioritised events) and the old kernel PCT (`legacy`: a due
// event fired at once 3 times in 4). Counts, not timings: deterministic.
//
//   npx -y pnpm@10.34.8 build
//   node benchmarks/explore-pct.mjs [--schedules 1000] [--bases 20] [--json]
import { fileURLToPath } from 'node:url';
import { explore } from '@quiesce/explorer';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
const N = arg('--schedules', 1000);
const BASES = arg('--bases', 20);
const toy = await import(fileURLToPath(new URL('../packages/explorer/scenarios/toy.mjs', import.meta.url)));
const S = await import(fileURLToPath(new URL('../examples/buggy/dist/scenarios.js', import.meta.url)));

const races = [
  ['toy: timer vs remove (buggy)', toy.buggy, 'use-after-remove'],
  ['toy: free before cancel (misordered)', toy.misordered, 'use-after-remove'],
  ['edu bug02: timer after remove', S.bug02, S.bug02.expect],
  ['edu bug06: IRQ after unmap (past free_irq)', S.bug06, S.bug06.expect],
  ['edu bug04: self-requeue without sync', S.bug04, S.bug04.expect],
];
const variants = [
  ['random', { strategy: 'random' }],
  ['pct', { strategy: 'pct' }],
  ['pct (old kernel PCT)', { strategy: 'pct', legacy: true }],
];

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];
for (const [race, sc, kind] of races) {
  for (const [label, o] of variants) {
    const all = await explore(sc, { ...o, schedules: N, seed: 1, stopAtFirst: false, shrink: false, kinds: [kind] });
    const hits = all.findings.reduce((a, f) => a + f.occurrences, 0);
    const firsts = [];
    for (let b = 0; b < BASES; b++) {
      const r = await explore(sc, { ...o, schedules: N, seed: 1 + b * 100_003, shrink: false, kinds: [kind] });
      firsts.push(r.findings[0] === undefined ? Number.POSITIVE_INFINITY : r.findings[0].schedule);
    }
    rows.push({
      race,
      strategy: label,
      hitRate: hits / N,
      medianFirst: median(firsts),
      missed: firsts.filter((x) => !Number.isFinite(x)).length,
    });
  }
}
if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ schedules: N, bases: BASES, rows })}\n`);
else {
  console.log(`hit rate over seeds 1..${N}; first failure: median over ${BASES} seed bases (budget ${N})\n`);
  console.log(
    `${'race'.padEnd(44)} ${'strategy'.padEnd(22)} ${'hit rate'.padStart(9)} ${'median 1st'.padStart(11)} ${'missed'.padStart(7)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.race.padEnd(44)} ${r.strategy.padEnd(22)} ${`${(r.hitRate * 100).toFixed(1)}%`.padStart(9)} ${String(r.medianFirst).padStart(11)} ${String(r.missed).padStart(7)}`,
    );
  }
}
