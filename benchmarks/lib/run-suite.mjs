// Runs one suite file in this (fresh) process and prints its result as one
// JSON line: what benchmarks/run.mjs reads. Two suite shapes are accepted:
// - harness suites: the default export returns {title, baseline, rows};
// - plain tinybench suites (the subsystem issues' convention): the default
//   export takes the Bench class and returns a run Bench; if the module also
//   exports rows(bench) those rows are used, otherwise rows are derived from
//   the tasks (per-call figures divided by bench.opsPerCall when set). The
//   first task is the baseline.
//
//   node benchmarks/lib/run-suite.mjs <suite file> [--quick]
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';

const file = process.argv[2];
const mod = await import(pathToFileURL(file).href);
const out = await mod.default(Bench);
let suite;
if (out && Array.isArray(out.rows)) suite = out;
else if (out && Array.isArray(out.tasks)) suite = fromBench(out, mod.rows);
else throw new Error(`${file}: the default export returned neither a suite nor a Bench`);
process.stdout.write(`${JSON.stringify(suite)}\n`);

function fromBench(bench, rowsFn) {
  const per = bench.opsPerCall ?? 1;
  const base = bench.tasks.find((t) => t.result?.state === 'completed' || t.result?.latency);
  const raw = rowsFn
    ? rowsFn(bench)
    : bench.tasks.map((t) => ({
        name: t.name,
        nsPerOp: (t.result.latency.mean * 1e6) / per,
        rmePct: t.result.latency.rme,
        samples: t.result.latency.samplesCount,
      }));
  const b = raw[0];
  const rows = raw.map((r, i) => ({
    name: r.name,
    ops: per,
    nsPerOp: r.nsPerOp,
    rmePct: r.rmePct ?? 0,
    roundSpreadPct: 0,
    samples: r.samples ?? 0,
    rounds: 1,
    baseline: i === 0,
    ratio: r.nsPerOp / b.nsPerOp,
    ratioSpreadPct: Math.hypot(r.rmePct ?? 0, b.rmePct ?? 0),
  }));
  return { title: bench.name ?? base?.name ?? file, baseline: b.name, rows };
}
