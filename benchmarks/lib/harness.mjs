// Shared benchmark harness: runs tinybench tasks that each perform `ops`
// operations per call (ns-scale work is batched in an inner loop, so the
// ~40 ns per-call overhead of tinybench is amortised), and reports per-op
// figures with their spread, sample count and ratio to a baseline measured
// in the same run.
import { Bench } from 'tinybench';

export const quick = process.argv.includes('--quick');

/** A sink every benchmark writes its results into, so the JIT cannot drop the work. */
export const sink = { n: 0, b: 0n };

/**
 * @param {string} title
 * @param {{name: string, ops: number, fn: () => void, baseline?: boolean}[]} tasks
 * @param {{timeMs?: number, warmupMs?: number, rounds?: number, iterations?: number,
 *   warmupIterations?: number, prefix?: string}} [opts]
 * Each round runs every task once (interleaved, so drift hits all alike);
 * a task's figure is the median of its per-round means. `iterations` and
 * `warmupIterations` bound slow tasks (a call of seconds, e.g. 10^6 timers
 * or a batch of explored schedules); `prefix` names a group of rows whose
 * ratios are against the group's own baseline.
 */
export async function runSuite(title, tasks, opts = {}) {
  const timeMs = quick ? Math.min(20, opts.timeMs ?? 20) : (opts.timeMs ?? 200);
  const warmupMs = quick ? Math.min(5, opts.warmupMs ?? 5) : (opts.warmupMs ?? 60);
  const rounds = quick ? 1 : (opts.rounds ?? 3);
  const counts = {};
  if (opts.iterations !== undefined) counts.iterations = quick ? Math.min(opts.iterations, 2) : opts.iterations;
  if (opts.warmupIterations !== undefined) counts.warmupIterations = quick ? 0 : opts.warmupIterations;
  const perTask = new Map(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time: timeMs, warmupTime: warmupMs, name: title, ...counts });
    for (const t of tasks) bench.add(t.name, t.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const res = task.result;
      if (res?.state !== 'completed')
        throw new Error(`${title}: ${task.name} did not complete (${res?.state}): ${res?.error ?? ''}`);
      const t = tasks.find((x) => x.name === task.name);
      perTask.get(task.name).push({
        nsPerOp: (res.latency.mean * 1e6) / t.ops,
        rme: Number.isFinite(res.latency.rme) ? res.latency.rme : 0,
        samples: res.latency.samplesCount,
        p50: (res.latency.p50 * 1e6) / t.ops,
        p75: (res.latency.p75 * 1e6) / t.ops,
      });
    }
  }
  const rows = tasks.map((t) => {
    const runs = perTask
      .get(t.name)
      .slice()
      .sort((a, b) => a.nsPerOp - b.nsPerOp);
    const mid = runs[Math.floor(runs.length / 2)];
    const roundSpread = runs.length > 1 ? ((runs.at(-1).nsPerOp - runs[0].nsPerOp) / mid.nsPerOp) * 100 : 0;
    return {
      name: opts.prefix === undefined ? t.name : `${opts.prefix}: ${t.name}`,
      ops: t.ops,
      nsPerOp: mid.nsPerOp,
      rmePct: mid.rme,
      roundSpreadPct: roundSpread,
      samples: runs.reduce((s, r) => s + r.samples, 0),
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
