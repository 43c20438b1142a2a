// Issue 10: schedules explored per second by @quiesce/explorer on the edu
// driver scenarios (examples/buggy/dist/scenarios.js: the correct worlds, so
// no exploration stops early), serial and over 2 worker threads, plus the
// bounded exhaustive search of the tiny fenced world. One op = one schedule
// (a fresh kernel, insmod + probe, two users hammering /dev/edu, unbind at
// 2 ms, 40 ms of virtual time). The baseline is a bare runSchedule with no
// exploration machinery around it.
//
//   node benchmarks/suites/explorer-edu.bench.mjs [--quick] [--json]
//
// Needs the built packages (npx -y pnpm@10.34.8 build): worker threads
// import the built scenario module.
import { fileURLToPath } from 'node:url';
import { explore, runSchedule } from '@quiesce/explorer';
import { isMain, printSuite, quick, runSuite, sink } from '../lib/harness.mjs';

const modulePath = fileURLToPath(new URL('../../examples/buggy/dist/scenarios.js', import.meta.url));
const S = await import(modulePath);

const BARE = quick ? 4 : 8;
const SERIAL = quick ? 8 : 16;
// Each parallel call starts 2 worker threads that import the scenario
// module cold (a few hundred ms): a short exploration does not pay for
// them, a long one does. Both sizes are measured.
const PARALLEL_SHORT = quick ? 16 : 128;
// 512, not 1024: the full report must stay under 5 minutes on 2 cores (issue 16).
const PARALLEL = quick ? 32 : 256;
const TINY_BOUND = quick ? 0 : 1;

export async function suite() {
  const tinyN = (await explore(S.fencedTiny, { strategy: 'exhaustive', preemptions: TINY_BOUND })).schedules;
  let seed = 1;
  const serial = (exp, strategy) => ({
    name: `explore ${strategy}, serial, ${S[exp].name} (${SERIAL}/call)`,
    ops: SERIAL,
    fn: async () => {
      const r = await explore(S[exp], { strategy, schedules: SERIAL, seed: seed++ });
      sink.n += r.schedules;
    },
  });
  const parallel = (exp, strategy, n) => ({
    name: `explore ${strategy}, jobs 2, ${S[exp].name} (${n}/call)`,
    ops: n,
    fn: async () => {
      const r = await explore({ module: modulePath, export: exp }, { strategy, schedules: n, seed: seed++, jobs: 2 });
      sink.n += r.schedules;
    },
  });
  const tasks = [
    {
      name: 'bare runSchedule (random), edu-fenced',
      baseline: true,
      ops: BARE,
      fn: async () => {
        for (let i = 0; i < BARE; i++) {
          const o = await runSchedule(S.fenced, { strategy: 'random', seed: seed++ });
          sink.n += o.decisions.length;
        }
      },
    },
    serial('fenced', 'random'),
    serial('fenced', 'pct'),
    serial('revocable', 'random'),
    serial('kernel', 'random'),
    serial('fencedMix', 'random'),
    parallel('fenced', 'random', PARALLEL),
    parallel('fenced', 'pct', PARALLEL),
    parallel('fenced', 'random', PARALLEL_SHORT),
    {
      name: `explore exhaustive k=${TINY_BOUND}, ${S.fencedTiny.name} (${tinyN}/call)`,
      ops: tinyN,
      fn: async () => {
        const r = await explore(S.fencedTiny, { strategy: 'exhaustive', preemptions: TINY_BOUND });
        sink.n += r.schedules;
      },
    },
  ];
  return runCoarseSuite('Explorer: schedules per second, edu driver scenarios', tasks);
}

/**
 * Ops of hundreds of ms (tinybench would insist on 64 iterations per task,
 * and a parallel call starts two worker threads): 2 iterations after 1
 * warm-up, 1 round (the full report's 5-minute budget, issue 16).
 */
function runCoarseSuite(title, tasks) {
  return runSuite(title, tasks, { timeMs: 1, warmupMs: 0, rounds: 1, iterations: 2, warmupIterations: 1 });
}

export default async function () {
  return suite();
}

if (isMain(import.meta.url)) {
  const s = await suite();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(s)}\n`);
  else {
    printSuite(s);
    console.log('\nschedules/s (1e9 / ns per schedule):');
    for (const r of s.rows) console.log(`  ${r.name.padEnd(52)} ${String(Math.round(1e9 / r.nsPerOp)).padStart(8)}`);
  }
}
