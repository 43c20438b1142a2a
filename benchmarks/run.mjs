// The benchmark report (the project's main job).
//
// Runs every suite in benchmarks/suites/*.bench.mjs in several fresh Node
// processes (a JIT warmed by one suite never flatters another), takes the
// median across processes, and writes REPORT.md, report.json and one SVG
// chart per suite (to benchmarks/out/ unless told otherwise, see below).
// Ratios are computed inside each process (against the baseline measured in
// that same run) and then the median ratio across processes is reported.
//
// Before the suites it runs the operation census of every discipline and
// projects it through the cost models (benchmarks/cost-models/*.json, or the
// user's own with --cost-model): REPORT.md opens with that table and chart.
//
//   node benchmarks/run.mjs [--quick] [--procs N] [--only a,b] [--cost-model FILE[,FILE]] [--out DIR | --update-reference]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { censusTable, runCensus } from './lib/census-run.mjs';
import { CostModelError, loadCostModel } from './lib/cost-model.mjs';
import { DISCIPLINES } from './lib/disciplines.mjs';
import { disciplinesReport } from './lib/disciplines-report.mjs';
import { PROJECT_N, project } from './lib/projection.mjs';
import { bugsPrevented, censusText, findings, firstScreenTable, human as humanNs, unbindSvg } from './lib/report.mjs';
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

// Cost models first: a malformed user file is an error before anything runs.
const modelFiles = arg('--cost-model', '')
  .split(',')
  .filter((x) => x);
const defaultModels = readdirSync(`${here}cost-models/`)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => `${here}cost-models/${f}`);
let models;
try {
  // The first model is the one the first screen projects with: the user's own when given.
  models = (modelFiles.length > 0 ? modelFiles.map((f) => resolve(f)) : defaultModels).map(loadCostModel);
} catch (e) {
  if (e instanceof CostModelError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
models.sort((a, b) => (a.file.includes('x86') ? -1 : b.file.includes('x86') ? 1 : 0));
if (modelFiles.length > 0) models = modelFiles.map((f) => models.find((m) => m.file === resolve(f)));
const files = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

/**
 * Processes per suite in a full run, so the whole report stays within 5
 * minutes on 2 cores (the report prints its time): the headline suite 5,
 * the other discipline suites `procs` (3), the building blocks and
 * teardown (exact virtual times) 1.
 */
// The headline suite (the first screen's measured column): its figure is the median of per-process medians.
const HEADLINE = new Set(['disciplines-mmio-read.bench.mjs']);
const procsFor = (file) => {
  if (args.includes('--procs') || quick) return procs;
  if (HEADLINE.has(file)) return 5;
  return file.startsWith('disciplines-') ? procs : 1;
};
/**
 * V8 flags of every suite process. Without them the headline figures were
 * bimodal across processes (fenced readl 0.99× in one, 3.09× in the next):
 * a benchmark loop compiled on-stack (OSR) before the code after it had run
 * deoptimized on every later call (V8 11.3 reuses the cached OSR code), and
 * with concurrent compilation whether that happened depended on machine
 * load. No OSR and synchronous compilation make the JIT's decisions a
 * function of the code only.
 */
const V8_FLAGS = ['--no-use-osr', '--no-concurrent-recompilation'];
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
      [...V8_FLAGS, `${here}lib/run-suite.mjs`, `${suitesDir}${file}`, ...(quick ? ['--quick'] : [])],
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
      ...(r0.vs !== undefined ? { vs: r0.vs } : {}),
      nsPerOp: median(ns),
      rmePct: median(all.map((r) => r.rmePct)),
      procSpreadPct: spreadPct(ns),
      samples: all.reduce((s, r) => s + (r.samples ?? 0), 0),
      processes: all.length,
      ratio: median(ratios),
      // Every process's own ratio, so a reader can see what the median and the spread rest on.
      perProcessRatios: ratios,
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

// The census is exact and fast (a few seconds): it runs in this process, before the suites.
const censusStarted = performance.now();
const census = await runCensus(DISCIPLINES);
const censusSeconds = (performance.now() - censusStarted) / 1000;
const projections = models.map((m) => ({ model: m, projection: project(census, m) }));

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
  const vs = s.rows.some((r) => r.vs !== undefined);
  const lines = [
    `| case | ns/op | ±rme | across processes | samples | ratio to ${s.baseline} | ± |${vs ? ' vs |' : ''}`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: |${vs ? ' --- |' : ''}`,
  ];
  for (const r of s.rows) {
    lines.push(
      `| ${r.name} | ${r.nsPerOp.toFixed(2)} | ${r.rmePct.toFixed(1)}% | ${r.procSpreadPct.toFixed(1)}% | ${r.samples} | ${r.ratio.toFixed(3)}× | ${r.ratioSpreadPct.toFixed(1)}% |${vs ? ` ${r.vs ?? ''} |` : ''}`,
    );
  }
  return lines.join('\n');
}

mkdirSync(outDir, { recursive: true });
const primary = projections[0];
const bugs = bugsPrevented(`${here}results/bug-matrix.json`);
const disc = disciplinesReport();
const found = findings({
  disciplines: DISCIPLINES,
  census,
  projection: primary.projection,
  model: primary.model,
  suites,
  quick,
});
const headline = Object.fromEntries(
  DISCIPLINES.map((d) => {
    const r = suites
      .find((s) => s.file === 'disciplines-mmio-read.bench.mjs')
      ?.rows.find((x) => x.name.startsWith(d.measured));
    return [
      d.id,
      r
        ? {
            row: r.name,
            nsPerOp: r.nsPerOp,
            ratio: r.ratio,
            ratioSpreadPct: r.ratioSpreadPct,
            processes: r.processes,
            samples: r.samples,
          }
        : null,
    ];
  }),
);

/** The census of every discipline and path, as a table (details section). */
function censusMd() {
  const paths = [
    ...census.paths,
    ...census.unbindKinds.flatMap((k) => census.unbindAt.map((n) => `unbind ${k} ×${n}`)),
  ];
  const table = censusTable(census);
  const lines = [
    `| path | ${DISCIPLINES.map((d) => d.label).join(' | ')} |`,
    `| --- |${DISCIPLINES.map(() => ' --- |').join('')}`,
  ];
  for (const p of paths)
    lines.push(`| ${p} | ${DISCIPLINES.map((d) => censusText(table[d.id]?.[p] ?? {})).join(' | ')} |`);
  const lin = DISCIPLINES.flatMap((d) =>
    census.unbindKinds.filter((k) => census.counts[d.id]?.linear[k] === false).map((k) => `${d.id} ${k}`),
  );
  lines.push(
    '',
    `Unbind counts at any N are fixed + N × per-resource, solved from N = ${census.unbindAt.join(' and ')} and checked at N = ${census.checkedAt}: ${lin.length === 0 ? 'every line holds' : `NOT linear for ${lin.join(', ')}`}.`,
  );
  return lines.join('\n');
}

/** One projection table per cost model (details section). */
function projectionMd({ model, projection }) {
  const lines = [
    `### ${model.name}`,
    '',
    `${model.platform ?? ''} (\`${model.file.replace(here, 'benchmarks/')}\`)`,
    '',
    `| discipline | ${census.paths.join(' | ')} | ${PROJECT_N.map((n) => `unbind ${n.toLocaleString('en')} timers`).join(' | ')} |`,
    `| --- |${census.paths.map(() => ' ---: |').join('')}${PROJECT_N.map(() => ' ---: |').join('')}`,
  ];
  const rg = (r) => `${humanNs(r.low)}–${humanNs(r.high)}`;
  for (const d of DISCIPLINES) {
    const p = projection[d.id];
    if (!p) continue;
    lines.push(
      `| ${d.label} | ${census.paths.map((x) => rg(p.paths[x].ns)).join(' | ')} | ${p.unbind.timers.map((u) => rg(u.ns)).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

function costModelMd(model) {
  const lines = ['| primitive | low | typical | high | source |', '| --- | ---: | ---: | ---: | --- |'];
  for (const [op, e] of Object.entries(model.entries))
    lines.push(`| ${op} | ${e.low} | ${e.typical} | ${e.high} | ${e.estimate ? `estimate: ${e.how}` : e.source} |`);
  return lines.join('\n');
}

const md = [
  '# quiesce benchmark report',
  '',
  `Node ${env.node} (V8 ${env.v8}) · ${env.cpu} · ${env.cores} cores · load ${env.loadavg} · commit ${env.commit} · ${env.date}${quick ? ' · **--quick: harness check only, measured figures not meaningful**' : ''}`,
  '',
  'What each discipline costs a kernel: the exact count of kernel primitives it executes (the census), times a cost model with a source per entry ' +
    `(here "${primary.model.name}"), beside what it measured in JavaScript.`,
  '',
  firstScreenTable({
    disciplines: DISCIPLINES,
    census,
    projection: primary.projection,
    model: primary.model,
    suites,
    bugs,
  }),
  '',
  `![projected unbind time against N](unbind-projection.svg)`,
  '',
  '## Findings',
  '',
  ...found.map((f) => `- ${f}`),
  '',
  '## Details',
  '',
  `Census: ${censusSeconds.toFixed(1)} s; suites: ${env.seconds.toFixed(0)} s. Measured figures: every suite runs in fresh Node processes (V8 flags ${V8_FLAGS.join(' ')}: see docs/benchmarks.md); ` +
    "inside a process, rounds interleave every row; a row's figure in a round is the median of its samples; its ratio is the median over rounds of " +
    '(row ÷ its baseline in the same round); across processes the report gives the median of the per-process figures, and "±" is the larger of ' +
    'the spread across processes ((max − min)/median) and the interquartile range over rounds. A ratio is always against a baseline that reaches ' +
    'its handle the way the row does (the "vs" column names any other).',
  '',
  '### Census per path (exact; independent of the machine)',
  '',
  censusMd(),
  '',
  '### Projected kernel time (low–high), per cost model',
  '',
  ...projections.flatMap((p) => [projectionMd(p), '']),
  `### Cost model "${primary.model.name}"`,
  '',
  primary.model.notes ?? '',
  '',
  costModelMd(primary.model),
  '',
  ...disc.md,
  '',
  ...suites.flatMap((s) => [
    `### ${s.title}`,
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
const json = {
  env: { ...env, censusSeconds, v8Flags: V8_FLAGS },
  // Every discipline of docs/design.md §8 (issue 15), with whether the census covers it.
  disciplines: disc.json.disciplines.map((d) => ({
    ...d,
    censused: census.counts[d.id] !== undefined,
    measuredRow: headline[d.id]?.row ?? null,
  })),
  bugMatrix: disc.json.bugMatrix,
  census: censusTable(census),
  censusLines: Object.fromEntries(
    Object.entries(census.counts).map(([id, c]) => [id, { unbind: c.unbind, linear: c.linear }]),
  ),
  costModel: { name: primary.model.name, file: primary.model.file, entries: primary.model.entries },
  costModels: models.map((m) => ({ name: m.name, file: m.file })),
  projection: primary.projection,
  projections: Object.fromEntries(projections.map((p) => [p.model.name, p.projection])),
  headline,
  bugsPrevented: bugs,
  findings: found,
  suites,
};
writeFileSync(`${outDir}report.json`, `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(
  `${outDir}unbind-projection.svg`,
  unbindSvg({ disciplines: DISCIPLINES, projection: primary.projection, model: primary.model }),
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
console.log('\nHeadline (MMIO readl on the edu BAR, ratio to raw, median of per-process medians):');
for (const [id, h] of Object.entries(headline))
  if (h)
    console.log(
      `  ${id.padEnd(14)} ${h.ratio.toFixed(3)}× ±${h.ratioSpreadPct.toFixed(1)}% (${h.processes} processes, ${h.samples} samples)`,
    );
console.log('\nFindings:');
for (const f of found) console.log(`- ${f}`);
console.log(`\ncensus ${censusSeconds.toFixed(1)} s, suites ran in ${env.seconds.toFixed(0)} s`);
console.log(`\nwrote ${outDir}REPORT.md, report.json, unbind-projection.svg and ${suites.length} SVG chart(s)`);
