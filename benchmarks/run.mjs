// The benchmark report (the project's main job).
//
// Runs every suite in benchmarks/suites/*.bench.mjs in several fresh Node
// processes (a JIT warmed by one suite never flatters another), takes the
// median across processes, and writes REPORT.md, report.json and one SVG
// chart per suite (to benchmarks/out/ unless told otherwise, see below).
// Ratios are computed inside each process (against the baseline measured in
// that same run) and then the median ratio across processes is reported.
//
//   node benchmarks/run.mjs [--quick] [--procs N] [--only a,b] [--out DIR | --update-reference]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { disciplinesReport } from './lib/disciplines-report.mjs';
import { findings } from './lib/findings.mjs';
import { svgChart } from './lib/svg.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const procs = Number(arg('--procs', quick ? '1' : '3'));
const only = arg('--only', '')
  .split(',')
  .filter((x) => x);

const here = fileURLToPath(new URL('.', import.meta.url));
const suitesDir = `${here}suites/`;
// Where the report goes. By default an ignored folder (benchmarks/out/, or
// out/quick/ for --quick), so a run leaves the checkout clean; the committed
// reference results in benchmarks/results/ change only with
// --update-reference (a full run: a --quick run's figures mean nothing).
// --out DIR writes anywhere else.
const updateReference = args.includes('--update-reference');
if (updateReference && quick) {
  console.error('run.mjs: --update-reference needs a full run (a --quick report is a harness check, not a reference)');
  process.exit(2);
}
const outArg = arg('--out', '');
const outDir = outArg
  ? `${resolve(outArg)}/`
  : updateReference
    ? `${here}results/`
    : quick
      ? `${here}out/quick/`
      : `${here}out/`;
const files = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

/**
 * Suites that take minutes per process (the hrtimer suite's 10^6-timer case,
 * the explorer's exhaustive runs) get one process in a full run, so the whole
 * report stays within its 10-minute budget on 2 cores; the report says so.
 */
const ONE_PROCESS = new Set(['hrtimer.bench.mjs', 'explorer.bench.mjs', 'explorer-edu.bench.mjs']);
const procsFor = (file) => (ONE_PROCESS.has(file) && !args.includes('--procs') ? 1 : procs);
const total = files.reduce((n, f) => n + procsFor(f), 0);
let done = 0;
const tty = process.stderr.isTTY;
function progress(label) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`;
  if (tty) process.stderr.write(`\r${bar.padEnd(100)}`);
  else process.stderr.write(`${bar}\n`);
}

function runOnce(file) {
  return new Promise((resolve, reject) => {
    // lib/run-suite.mjs imports the suite and prints its result as JSON, so
    // harness suites and plain tinybench suites (default export (Bench) => bench) both work.
    const child = spawn(
      process.execPath,
      [`${here}lib/run-suite.mjs`, `${suitesDir}${file}`, ...(quick ? ['--quick'] : [])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      const line = out
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) reject(new Error(`${file} exited ${code}\n${err.slice(-2000)}`));
      else resolve(JSON.parse(line));
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spreadPct = (xs) => {
  const m = median(xs);
  return xs.length > 1 && m !== 0 ? ((Math.max(...xs) - Math.min(...xs)) / m) * 100 : 0;
};

function merge(file, runs) {
  const first = runs[0];
  const rows = first.rows.map((r0) => {
    const all = runs.map((run) => run.rows.find((r) => r.name === r0.name)).filter(Boolean);
    const ns = all.map((r) => r.nsPerOp);
    const ratios = all.map((r) => r.ratio);
    return {
      name: r0.name,
      baseline: !!r0.baseline,
      nsPerOp: median(ns),
      rmePct: median(all.map((r) => r.rmePct)),
      procSpreadPct: spreadPct(ns),
      samples: all.reduce((s, r) => s + (r.samples ?? 0), 0),
      processes: all.length,
      ratio: median(ratios),
      ratioSpreadPct: Math.max(median(all.map((r) => r.ratioSpreadPct ?? 0)), spreadPct(ratios)),
      // Suites measured in virtual time too (teardown): the median virtual ns and its spread.
      ...(r0.virtualNs !== undefined
        ? {
            virtualNs: median(all.map((r) => r.virtualNs)),
            virtualSpreadPct: spreadPct(all.map((r) => r.virtualNs)),
          }
        : {}),
    };
  });
  return {
    file,
    title: first.title,
    baseline: first.baseline,
    note: first.spreadNote ?? first.note,
    rows,
    extra: first.logCheck,
  };
}

const env = {
  node: process.version,
  v8: process.versions.v8,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.release()}`,
  commit: (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here }).toString().trim();
    } catch {
      return 'unknown';
    }
  })(),
  date: new Date().toISOString(),
  quick,
  procs,
};

const suites = [];
const started = performance.now();
for (const file of files) {
  const runs = [];
  const t0 = performance.now();
  const n = procsFor(file);
  for (let p = 0; p < n; p++) {
    progress(`${file} (process ${p + 1}/${n})`);
    runs.push(await runOnce(file));
    done++;
  }
  suites.push({ ...merge(file, runs), seconds: (performance.now() - t0) / 1000 });
}
env.seconds = (performance.now() - started) / 1000;
env.loadavg = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
progress('done');
if (tty) process.stderr.write('\n');

/** Nanoseconds in the unit a reader wants (teardown spans ns to seconds). */
const human = (ns) =>
  ns >= 1e9
    ? `${(ns / 1e9).toFixed(2)} s`
    : ns >= 1e6
      ? `${(ns / 1e6).toFixed(2)} ms`
      : ns >= 1e3
        ? `${(ns / 1e3).toFixed(1)} µs`
        : `${ns.toFixed(0)} ns`;

function table(s) {
  if (s.rows.some((r) => r.virtualNs !== undefined)) {
    const lines = [
      `| case | wall per unbind | ± | virtual time per unbind | ± across processes | samples | wall ratio to ${s.baseline} | ± |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    for (const r of s.rows) {
      lines.push(
        `| ${r.name} | ${human(r.nsPerOp)} | ${r.rmePct.toFixed(0)}% | ${human(r.virtualNs)} | ${r.virtualSpreadPct.toFixed(0)}% | ${r.samples} | ${r.ratio.toFixed(2)}× | ${r.ratioSpreadPct.toFixed(0)}% |`,
      );
    }
    return lines.join('\n');
  }
  const lines = [
    `| case | ns/op | ±rme | across processes | samples | ratio to ${s.baseline} | ± |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of s.rows) {
    lines.push(
      `| ${r.name} | ${r.nsPerOp.toFixed(2)} | ${r.rmePct.toFixed(1)}% | ${r.procSpreadPct.toFixed(1)}% | ${r.samples} | ${r.ratio.toFixed(3)}× | ${r.ratioSpreadPct.toFixed(1)}% |`,
    );
  }
  return lines.join('\n');
}

mkdirSync(outDir, { recursive: true });
const found = findings(suites, quick);
const disc = disciplinesReport();
const md = [
  '# quiesce benchmark report',
  '',
  `Node ${env.node} (V8 ${env.v8}) · ${env.cpu} · ${env.cores} cores · ${env.memGiB} GiB · ${env.platform} · commit ${env.commit} · ${env.date}${quick ? ' · **--quick: harness check only, figures not meaningful**' : ''}`,
  '',
  `Suites ran in ${env.seconds.toFixed(0)} s; load average at the end ${env.loadavg} on ${env.cores} cores (a load above the core count means other processes shared the machine and wall-clock figures are inflated and noisier).`,
  '',
  `Method: each suite ran in ${procs} fresh process(es); a figure is the median across processes of the per-process result; ` +
    '"±rme" is tinybench\'s relative margin of error (95%) inside a process, "across processes" is (max−min)/median, and a ratio ' +
    'is computed inside each process against the baseline measured in the same run, then the median is taken. ns-scale work is batched ' +
    'in inner loops (tinybench adds ~40 ns per call), every result is consumed into a sink, inputs vary per op, and hot paths are reached ' +
    'through driver data of a device in a process that has already bound and unbound devices. See docs/benchmarks.md.',
  '',
  '## Findings',
  '',
  ...found.map((f) => `- ${f}`),
  '',
  ...disc.md,
  '',
  ...suites.flatMap((s) => [
    `## ${s.title}`,
    '',
    `Suite \`${s.file}\` (${s.seconds.toFixed(0)} s, ${s.rows[0]?.processes ?? procs} process(es)).${s.note ? ` ${s.note}.` : ''}`,
    '',
    table(s),
    '',
    `![${s.title}](${s.file.replace('.bench.mjs', '.svg')})`,
    '',
  ]),
].join('\n');
writeFileSync(`${outDir}REPORT.md`, md);
writeFileSync(
  `${outDir}report.json`,
  `${JSON.stringify({ env, disciplines: disc.json.disciplines, bugMatrix: disc.json.bugMatrix, suites, findings: found }, null, 2)}\n`,
);
for (const s of suites) writeFileSync(`${outDir}${s.file.replace('.bench.mjs', '.svg')}`, svgChart(s));

for (const s of suites) {
  console.log(`\n## ${s.title}`);
  for (const r of s.rows) {
    console.log(
      `  ${r.name.padEnd(46)} ${r.nsPerOp.toFixed(2).padStart(10)} ns/op ±${r.rmePct.toFixed(1).padStart(4)}% (procs ±${r.procSpreadPct.toFixed(1).padStart(5)}%) n=${String(r.samples).padStart(7)}  ${r.ratio.toFixed(3).padStart(7)}× ±${r.ratioSpreadPct.toFixed(1)}%${r.virtualNs !== undefined ? `  virtual ${human(r.virtualNs)}` : ''}`,
    );
  }
}
console.log('\nFindings:');
for (const f of found) console.log(`- ${f}`);
console.log(`\nsuites ran in ${env.seconds.toFixed(0)} s`);
console.log(`\nwrote ${outDir}REPORT.md, report.json and ${suites.length} SVG chart(s)`);
