// Shared benchmark harness: runs tinybench tasks that each perform `ops`
// operations per call (ns-scale work is batched in an inner loop, so the
// ~40 ns per-call overhead of tinybench is amortised), and reports per-op
// figures with their spread, sample count and ratio to a baseline measured
// in the same run.
import { Bench } from 'tinybench';

export const quick = process.argv.includes('--quick');

/** A sink every benchmark writes its results into, so the JIT cannot drop the work. */
export const sink = { n: 0, b: 0n };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * @param {string} title
 * @param {{name: string, ops: number, fn: () => void, baseline?: boolean, vs?: string}[]} tasks
 * @param {{timeMs?: number, warmupMs?: number, rounds?: number, iterations?: number,
 *   warmupIterations?: number, prefix?: string}} [opts]
 * Each round runs every task once (interleaved, so drift hits all alike).
 * The estimator (named in the report): a task's figure in a round is the
 * median of its samples there (a preempted sample is an outlier, not the
 * figure); its ns/op is the median over rounds; its ratio is the median over
 * rounds of (task ÷ its baseline in the same round), so load that changes
 * between rounds cancels. `ratioSpreadPct` is the interquartile range of the
 * per-round ratios over their median. Warm-up runs in the first round only.
 * `vs` names the row a task's ratio is against (a like-for-like baseline:
 * e.g. a raw read that reaches its handle the way the task does); default:
 * the `baseline` row. `iterations` and `warmupIterations` bound slow tasks
 * (a call of seconds); `prefix` names a group of rows whose ratios are
 * against the group's own baseline.
 */
export async function runSuite(title, tasks, opts = {}) {
  const timeMs = quick ? Math.min(20, opts.timeMs ?? 20) : (opts.timeMs ?? 100);
  const warmupMs = quick ? Math.min(5, opts.warmupMs ?? 5) : (opts.warmupMs ?? 60);
  // Slow tasks (bounded by `iterations`) take 2 rounds by default, ns-scale ones 5.
  const rounds = quick ? 1 : (opts.rounds ?? (opts.iterations !== undefined ? 2 : 5));
  const counts = {};
  if (opts.iterations !== undefined) counts.iterations = quick ? Math.min(opts.iterations, 2) : opts.iterations;
  if (opts.warmupIterations !== undefined) counts.warmupIterations = quick ? 0 : opts.warmupIterations;
  const perTask = new Map(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    const warm = r === 0 ? { warmupTime: warmupMs } : { warmup: false };
    const bench = new Bench({ time: timeMs, name: title, ...warm, ...counts });
    for (const t of tasks) bench.add(t.name, t.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const res = task.result;
      if (res?.state !== 'completed')
        throw new Error(`${title}: ${task.name} did not complete (${res?.state}): ${res?.error ?? ''}`);
      const t = tasks.find((x) => x.name === task.name);
      perTask.get(task.name).push({
        nsPerOp: (res.latency.p50 * 1e6) / t.ops,
        meanNsPerOp: (res.latency.mean * 1e6) / t.ops,
        rme: Number.isFinite(res.latency.rme) ? res.latency.rme : 0,
        samples: res.latency.samplesCount,
        minNsPerOp: (res.latency.min * 1e6) / t.ops,
        maxNsPerOp: (res.latency.max * 1e6) / t.ops,
      });
    }
  }
  const base = tasks.find((t) => t.baseline) ?? tasks[0];
  const rows = tasks.map((t) => {
    const runs = perTask.get(t.name);
    const ns = runs.map((x) => x.nsPerOp);
    const mid = median(ns);
    const vsName = t.vs ?? base.name;
    const vsRuns = perTask.get(vsName);
    if (vsRuns === undefined) throw new Error(`${title}: ${t.name} is measured against ${vsName}, which is not a row`);
    const ratios = runs.map((x, i) => x.nsPerOp / vsRuns[i].nsPerOp).sort((a, b) => a - b);
    const ratio = median(ratios);
    const q = (p) => ratios[Math.min(ratios.length - 1, Math.floor(p * ratios.length))];
    return {
      name: opts.prefix === undefined ? t.name : `${opts.prefix}: ${t.name}`,
      ops: t.ops,
      nsPerOp: mid,
      rmePct: median(runs.map((x) => x.rme)),
      roundSpreadPct: runs.length > 1 ? ((Math.max(...ns) - Math.min(...ns)) / mid) * 100 : 0,
      // Fastest to slowest sample over every round, over the median: the
      // spread a one-round suite can show (roundSpreadPct is 0 there).
      sampleSpreadPct:
        ((Math.max(...runs.map((x) => x.maxNsPerOp)) - Math.min(...runs.map((x) => x.minNsPerOp))) / mid) * 100,
      samples: runs.reduce((s, x) => s + x.samples, 0),
      rounds: runs.length,
      baseline: t === base,
      ...(t.vs !== undefined ? { vs: opts.prefix === undefined ? t.vs : `${opts.prefix}: ${t.vs}` } : {}),
      ratio,
      // The lowest and highest per-round ratio (equal to `ratio` with one round).
      ratioMin: ratios[0],
      ratioMax: ratios[ratios.length - 1],
      // A row is its own baseline: ratio 1 in every round, no spread.
      ratioSpreadPct:
        vsRuns === runs
          ? 0
          : ratios.length > 2
            ? ((q(0.75) - q(0.25)) / ratio) * 100
            : Math.hypot(...runs.map((x) => x.rme)),
    };
  });
  return { title, baseline: opts.prefix === undefined ? base.name : `${opts.prefix}: ${base.name}`, rows };
}

/** Prints a suite as a fixed-width table. */
export function printSuite(suite) {
  const lines = [`\n## ${suite.title}  (ratio against ${suite.baseline}, same run)`];
  lines.push(
    `${'case'.padEnd(44)} ${'ns/op'.padStart(9)} ${'±rme'.padStart(7)} ${'rounds±'.padStart(8)} ${'samples'.padStart(8)} ${'ratio'.padStart(7)} ${'±'.padStart(6)}`,
  );
  const virtual = suite.rows.some((r) => r.virtualNs !== undefined);
  if (virtual) lines[1] += ` ${'virtual ns'.padStart(14)}`;
  for (const r of suite.rows) {
    lines.push(
      `${r.name.padEnd(44)} ${r.nsPerOp.toFixed(2).padStart(9)} ${`${r.rmePct.toFixed(1)}%`.padStart(7)} ${`${r.roundSpreadPct.toFixed(1)}%`.padStart(8)} ${String(r.samples).padStart(8)} ${`${r.ratio.toFixed(3)}x`.padStart(7)} ${`${r.ratioSpreadPct.toFixed(1)}%`.padStart(6)}${virtual ? ` ${String(r.virtualNs ?? '').padStart(14)}` : ''}`,
    );
  }
  console.log(lines.join('\n'));
}

/**
 * Entry point of a suite file: with `--json` prints the suite result as JSON
 * on stdout (what benchmarks/run.mjs reads from each fresh process),
 * otherwise prints the table.
 */
export async function main(metaUrl, suiteFn) {
  if (!isMain(metaUrl)) return;
  const s = await suiteFn();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(s)}\n`);
  else printSuite(s);
}

/** True when this module is the process entry point (`node suite.mjs`). */
export function isMain(metaUrl) {
  return process.argv[1] !== undefined && new URL(metaUrl).pathname === process.argv[1];
}
