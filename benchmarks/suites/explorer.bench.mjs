// Issue 10: schedules explored per second by @quiesce/explorer on the toy
// BAR/timer race (packages/explorer/scenarios/toy.mjs, fenced variant, so no
// run stops early), serial and over 2 worker threads. One op = one schedule;
// the baseline is a bare runSchedule (one kernel, setup, run, collect) with
// no exploration machinery around it. The `old path` row is the 0.1 search
// (`legacy: true`: call traces captured in every schedule), same run.
import { fileURLToPath } from 'node:url';
import { explore, runSchedule } from '@quiesce/explorer';
import { isMain, printSuite, quick, runSuite, sink } from '../lib/harness.mjs';

const toyPath = fileURLToPath(new URL('../../packages/explorer/scenarios/toy.mjs', import.meta.url));
const { fenced } = await import(toyPath);

const BARE = 64;
const SERIAL = 256;
const PARALLEL = quick ? 256 : 2048;

export async function suite() {
  const exhaustiveN = (await explore(fenced, { strategy: 'exhaustive', preemptions: 2, shrink: false })).schedules;
  let seed = 1;
  const tasks = [
    {
      name: 'bare runSchedule (random)',
      baseline: true,
      ops: BARE,
      fn: async () => {
        for (let i = 0; i < BARE; i++) {
          const o = await runSchedule(fenced, { strategy: 'random', seed: seed++ });
          sink.n += o.decisions.length;
        }
      },
    },
    {
      name: `old path: explore random, serial (${SERIAL}/call)`,
      ops: SERIAL,
      fn: async () => {
        const r = await explore(fenced, { strategy: 'random', schedules: SERIAL, seed: seed++, legacy: true });
        sink.n += r.schedules;
      },
    },
    {
      name: `explore random, serial (${SERIAL}/call)`,
      ops: SERIAL,
      fn: async () => {
        const r = await explore(fenced, { strategy: 'random', schedules: SERIAL, seed: seed++ });
        sink.n += r.schedules;
      },
    },
    {
      name: `explore pct d=3, serial (${SERIAL}/call)`,
      ops: SERIAL,
      fn: async () => {
        const r = await explore(fenced, { strategy: 'pct', schedules: SERIAL, seed: seed++ });
        sink.n += r.schedules;
      },
    },
    {
      name: `explore exhaustive k=2 (${exhaustiveN}/call)`,
      ops: exhaustiveN,
      fn: async () => {
        const r = await explore(fenced, { strategy: 'exhaustive', preemptions: 2 });
        sink.n += r.schedules;
      },
    },
    {
      name: `explore random, jobs 2 (${PARALLEL}/call)`,
      ops: PARALLEL,
      fn: async () => {
        const r = await explore(
          { module: toyPath, export: 'fenced' },
          { strategy: 'random', schedules: PARALLEL, seed: seed++, jobs: 2 },
        );
        sink.n += r.schedules;
      },
    },
  ];
  return runCoarseSuite('Explorer: schedules per second, toy race (fenced)', tasks);
}

/**
 * The harness's runSuite, for ops that take tens to hundreds of ms: tinybench
 * would otherwise insist on 64 iterations per task (a parallel exploration
 * call starts two worker threads). Same row shape, so benchmarks/run.mjs
 * reads it like any suite: per-round mean per op, median of rounds, rme,
 * spread across rounds, samples and the ratio against the baseline.
 */
function runCoarseSuite(title, tasks) {
  return runSuite(title, tasks, { timeMs: 300, warmupMs: 100, iterations: 2, warmupIterations: 1 });
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
    for (const r of s.rows)
      console.log(
        `  ${r.name.padEnd(44)} ${Math.round(1e9 / r.nsPerOp)
          .toString()
          .padStart(8)}`,
      );
  }
}
