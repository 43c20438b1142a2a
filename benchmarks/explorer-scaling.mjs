// Issue 18: does `--jobs 2` scale? Serial and jobs-2 edu-fenced exploration,
// alternated in the same process, with wall rates AND per-thread CPU time
// (Linux /proc/self/task/<tid>/schedstat, ns), so the answer does not depend
// on how loaded the machine is:
//   - cores used = CPU-seconds of all threads / wall seconds;
//   - schedules per CPU-second of the exploring threads (the main thread,
//     plus the workers when parallel) and of the whole process;
//   - what the other threads (V8's GC and compiler helpers) cost.
//
//   node benchmarks/explorer-scaling.mjs [--schedules N] [--rounds R] [--strategy random|pct] [--warm N]
//   node benchmarks/explorer-scaling.mjs --gc [--schedules N] [--strategy random|pct] [--world fenced|revocable|...]
//
// --gc: what V8's young-generation collector keeps of a serial run (a child
// under --trace-gc-nvp): bytes allocated and promoted per schedule, and the
// share of allocation that survives a scavenge. A finished world should die
// young; when something old still reaches it, every world is promoted and
// GC work (much of it on V8's helper threads) dominates (docs/explorer.md,
// "Scaling").
//
// Needs the built packages (npx -y pnpm@10.34.8 build).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { closeWorkers, explore } from '@quiesce/explorer';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('schedules', '2048'));
const ROUNDS = Number(arg('rounds', '5'));
const STRATEGY = arg('strategy', 'random');
const WARM = Number(arg('warm', '4096'));
const JOBS = Number(arg('jobs', '2'));

const modulePath = fileURLToPath(new URL('../examples/buggy/dist/scenarios.js', import.meta.url));
const S = await import(modulePath);
// --world: another clean world of examples/buggy's scenarios (revocable, kernel, fencedTiny...).
const WORLD = arg('world', 'fenced');
if (S[WORLD] === undefined) throw new Error(`--world ${WORLD}: no such export of ${modulePath}`);
const ref = { module: modulePath, export: WORLD };

if (process.argv.includes('--gc-child')) {
  await explore(S[WORLD], { strategy: STRATEGY, schedules: WARM, seed: 9e8 });
  console.log('MEASURE');
  await explore(S[WORLD], { strategy: STRATEGY, schedules: N, seed: 1 });
  process.exit(0);
}
if (process.argv.includes('--gc')) {
  const child = spawnSync(
    process.execPath,
    ['--trace-gc-nvp', fileURLToPath(import.meta.url), '--gc-child', ...process.argv.slice(2)],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (child.status !== 0) throw new Error(`--gc child failed: ${child.stderr}`);
  const lines = child.stdout.split('\n');
  const field = (l, k) => Number(new RegExp(`\\b${k}=([0-9.]+)`).exec(l)?.[1] ?? 0);
  let scavenges = 0;
  let fullGcs = 0;
  const sum = { allocated: 0, promoted: 0, survived: 0, pause: 0 };
  for (const l of lines.slice(lines.indexOf('MEASURE') + 1)) {
    if (l.includes(' gc=s ')) {
      scavenges++;
      sum.allocated += field(l, 'allocated');
      sum.promoted += field(l, 'promoted');
      sum.survived += field(l, 'new_space_survived');
      sum.pause += field(l, 'pause');
    } else if (l.includes(' gc=mc ')) fullGcs++;
  }
  console.log(`${S[WORLD].name} ${STRATEGY}, serial, ${N} schedules after ${WARM} of warm-up (one run):`);
  console.log(`  scavenges ${scavenges}, full GCs ${fullGcs}`);
  console.log(`  allocated per schedule   ${(sum.allocated / N / 1024).toFixed(1)} KiB`);
  console.log(`  promoted per schedule    ${(sum.promoted / N / 1024).toFixed(1)} KiB`);
  console.log(`  survives a scavenge      ${((sum.survived / sum.allocated) * 100).toFixed(1)} % of allocation`);
  console.log(`  scavenge pauses          ${(sum.pause / N).toFixed(3)} ms per schedule (main thread, wall)`);
  process.exit(0);
}

/** ns of CPU per thread id, from schedstat (first field: time on CPU). */
function threadCpu() {
  const out = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      out.set(Number(tid), Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}
const delta = (a, b) => {
  const d = new Map();
  for (const [t, ns] of b) d.set(t, ns - (a.get(t) ?? 0));
  return d;
};

const mainTid = process.pid;
const before = new Set(threadCpu().keys());
let seed = 1;
const bench = async (jobs) => {
  const c0 = threadCpu();
  const t0 = performance.now();
  const r = await explore(jobs > 1 ? ref : S[WORLD], { strategy: STRATEGY, schedules: N, seed: seed++ * 1e5, jobs });
  const wall = (performance.now() - t0) / 1e3;
  if (r.findings.length > 0) throw new Error(`${S[WORLD].name} should be clean`);
  return { wall, cpu: delta(c0, threadCpu()) };
};

// Warm-up: the main thread, then the pool (this creates the workers).
await explore(S[WORLD], { strategy: STRATEGY, schedules: WARM, seed: 9e8 });
await explore(ref, { strategy: STRATEGY, schedules: WARM * JOBS, seed: 8e8, jobs: JOBS });
const workerTids = [...threadCpu().keys()].filter((t) => !before.has(t));

const rows = { serial: [], parallel: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const jobs of [1, JOBS]) {
    const { wall, cpu } = await bench(jobs);
    let main = 0;
    let workers = 0;
    let other = 0;
    for (const [t, ns] of cpu) {
      if (t === mainTid) main += ns;
      else if (workerTids.includes(t)) workers += ns;
      else other += ns;
    }
    const total = (main + workers + other) / 1e9;
    // With jobs N the main thread explores too, beside N - 1 workers (parallel.ts).
    const explorer = (jobs > 1 ? workers + main : main) / 1e9;
    rows[jobs > 1 ? 'parallel' : 'serial'].push({
      rate: N / wall,
      cores: total / wall,
      perExplorerCpuS: N / explorer,
      perProcessCpuS: N / total,
      mainShare: main / 1e9 / wall,
      otherShare: other / 1e9 / wall,
      workerShare: workers / 1e9 / wall,
    });
  }
}
await closeWorkers();

const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs, d = 0) => `${med(xs).toFixed(d)} [${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}]`;
console.log(
  `${S[WORLD].name} ${STRATEGY}, ${N} schedules per call, ${ROUNDS} rounds alternating serial / jobs ${JOBS}; median [min–max]`,
);
for (const [name, rs] of Object.entries(rows)) {
  const col = (k, d) =>
    fmt(
      rs.map((x) => x[k]),
      d,
    );
  console.log(`\n${name}:`);
  console.log(`  schedules/s (wall)              ${col('rate')}`);
  console.log(`  cores used (all threads)        ${col('cores', 2)}`);
  console.log(`  schedules per CPU-s, explorers  ${col('perExplorerCpuS')}`);
  console.log(`  schedules per CPU-s, process    ${col('perProcessCpuS')}`);
  console.log(`  main thread, cores              ${col('mainShare', 2)}`);
  console.log(`  worker threads, cores           ${col('workerShare', 2)}`);
  console.log(`  other threads (GC, JIT), cores  ${col('otherShare', 2)}`);
}
const ratios = rows.parallel.map((p, i) => p.rate / rows.serial[i].rate);
console.log(`\njobs ${JOBS} / serial, same round: ${fmt(ratios, 2)} (${ratios.length} rounds)`);
const cpuRatios = rows.parallel.map((p, i) => p.perProcessCpuS / rows.serial[i].perProcessCpuS);
console.log(`process CPU efficiency, jobs ${JOBS} / serial: ${fmt(cpuRatios, 2)}`);
