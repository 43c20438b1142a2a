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
import { Bench } from 'tinybench';
import { isMain, printSuite, quick, sink } from '../lib/harness.mjs';

const modulePath = fileURLToPath(new URL('../../examples/buggy/dist/scenarios.js', import.meta.url));
const S = await import(modulePath);

const BARE = quick ? 4 : 16;
const SERIAL = quick ? 8 : 32;
// Each parallel call starts 2 worker threads that import the scenario
// module cold (a few hundred ms): a short exploration does not pay for
// them, a long one does. Both sizes are measured.
const PARALLEL_SHORT = quick ? 16 : 256;
const PARALLEL = quick ? 32 : 1024;
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
 * The harness's runSuite for ops of hundreds of ms (tinybench would insist
 * on 64 iterations per task, and a parallel call starts two worker threads):
 * 2 iterations (after 1 warm-up) per round, 3 rounds, median of the per-round means. Same
 * row shape as runSuite, so benchmarks/run.mjs reads it like any suite.
 */
async function runCoarseSuite(title, tasks) {
  const rounds = quick ? 1 : 2;
  const per = new Map(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({
      name: title,
      time: quick ? 1 : 500,
      warmupTime: 0,
      iterations: quick ? 1 : 2,
      warmupIterations: quick ? 0 : 1,
    });
    for (const t of tasks) bench.add(t.name, t.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const res = task.result;
      if (res?.state !== 'completed') throw new Error(`${title}: ${task.name} did not complete: ${res?.error ?? ''}`);
      const t = tasks.find((x) => x.name === task.name);
      per.get(task.name).push({
        nsPerOp: (res.latency.mean * 1e6) / t.ops,
        rme: Number.isFinite(res.latency.rme) ? res.latency.rme : 0,
        samples: res.latency.samplesCount,
      });
    }
  }
  const rows = tasks.map((t) => {
    const runs = per
      .get(t.name)
      .slice()
      .sort((a, b) => a.nsPerOp - b.nsPerOp);
    const mid = runs[Math.floor(runs.length / 2)];
    return {
      name: t.name,
      ops: t.ops,
      nsPerOp: mid.nsPerOp,
      rmePct: mid.rme,
      roundSpreadPct: runs.length > 1 ? ((runs.at(-1).nsPerOp - runs[0].nsPerOp) / mid.nsPerOp) * 100 : 0,
      samples: runs.reduce((s, x) => s + x.samples, 0),
      rounds: runs.length,
      baseline: !!t.baseline,
    };
  });
  const base = rows.find((r) => r.baseline) ?? rows[0];
  for (const r of rows) {
    r.ratio = r.nsPerOp / base.nsPerOp;
    r.ratioSpreadPct = Math.hypot(r.rmePct, base.rmePct);
  }
  return { title, baseline: base.name, rows };
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
