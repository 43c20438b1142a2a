// Issue 20: schedules per second of the playground's engine in a real
// browser against the CLI's serial explorer in Node, same scenario, same
// run. The scenario is edu-fenced (examples/buggy/dist/playground.js
// `fenced/none/unbind`: the correct fenced driver, unbind while two users
// hammer /dev/edu; clean, so no run stops early).
//
// Serves apps/playground/dist on a free port, drives Debian's chromium
// headless (playwright-core) on bench.html (the engine without the UI),
// and interleaves rounds: Node serial (explore(), what `quiesce-explore`
// runs with one job), the page with one Web Worker, the page with
// navigator.hardwareConcurrency workers. Each round uses fresh seeds. Prints
// each rate's median with its spread ((max − min)/median) and sample count,
// and the per-round ratio page-1-worker ÷ Node serial. Acceptance: the page's
// one-worker rate within 2× of Node serial (ratio ≥ 0.5); exit 1 otherwise.
//
//   npx -y pnpm@10.34.8 build
//   node benchmarks/playground.mjs [--schedules 512] [--rounds 5] [--quick] [--json]
//
// Rates include the page's postMessage traffic and the worker-side merge:
// that is what a user of the page gets.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explore } from '@quiesce/explorer';
// The e2e test's static server and chromium launch (same flags, fresh profile).
import { CHROMIUM, DIST as dist, launchChromium, serveStatic } from '../apps/playground/e2e/harness.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
const SCHEDULES = arg('--schedules', quick ? 64 : 512);
const ROUNDS = arg('--rounds', quick ? 2 : 5);
const WARMUP = arg('--warmup', quick ? 64 : 2048);
const playgroundJs = fileURLToPath(new URL('../examples/buggy/dist/playground.js', import.meta.url));
const ID = 'fenced/none/unbind';

if (!existsSync(join(dist, 'bench.html'))) {
  console.error(`playground bench: ${dist}bench.html missing; build first (npx -y pnpm@10.34.8 build)`);
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`playground bench: ${CHROMIUM} missing (apt-get install chromium)`);
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs) => (xs.length < 2 ? 0 : (Math.max(...xs) - Math.min(...xs)) / median(xs));

const { scenarioById } = await import(playgroundJs);

/** Node serial: schedules per second of explore() with one job. */
async function nodeRate(seed) {
  const sc = scenarioById(ID);
  const t0 = performance.now();
  const r = await explore(sc, { strategy: 'random', schedules: SCHEDULES, seed });
  const ms = performance.now() - t0;
  if (r.findings.length > 0) throw new Error(`edu-fenced found ${r.findings[0].finding.kind}: not a clean world`);
  return (r.executed / ms) * 1000;
}

/** The page's engine: schedules per second of engine.run with `workers` workers. */
async function pageRate(page, seed, workers) {
  const r = await page.evaluate(
    async ({ seed, workers, budget }) => {
      const t0 = performance.now();
      const res = await window.quiesceEngine.run({
        discipline: 'fenced',
        bug: null,
        teardown: 'unbind',
        strategy: 'random',
        budget,
        seed,
        ...(workers > 0 ? { workers } : {}),
      });
      return { ms: performance.now() - t0, verdict: res.verdict, schedules: res.schedules, scenario: res.scenario };
    },
    { seed, workers, budget: SCHEDULES },
  );
  if (r.verdict !== 'clean' || r.schedules !== SCHEDULES) throw new Error(`page run: ${JSON.stringify(r)}`);
  return (r.schedules / r.ms) * 1000;
}

/** The first finding of kernel-c/1/unbind (300 random schedules) in Node serial and in the page, compared. */
async function sameFirstFinding(page) {
  const id = 'kernel-c/1/unbind';
  const want = (await explore(scenarioById(id), { strategy: 'random', schedules: 300, seed: 1 })).findings[0];
  const got = await page.evaluate(async () => {
    const r = await window.quiesceEngine.run({
      discipline: 'kernel-c',
      bug: 1,
      teardown: 'unbind',
      strategy: 'random',
      budget: 300,
      seed: 1,
    });
    const f = r.finding;
    return f && { schedule: f.schedule, seed: f.seed, kind: f.kind, title: f.title, decisions: f.decisions };
  });
  const key = (x) =>
    x && JSON.stringify([x.schedule, x.seed, x.kind ?? x.finding.kind, x.title ?? x.finding.title, x.decisions]);
  const ok = want !== undefined && key(got) === key({ ...want, decisions: want.shrunk });
  if (!ok) console.error(`first finding differs: Node ${key({ ...want, decisions: want?.shrunk })}, page ${key(got)}`);
  return ok;
}

const server = await serveStatic(dist);
const { url } = server;
const browser = await launchChromium();
let ok = false;
try {
  const { page } = browser;
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}bench.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // Correctness first: the page's first finding on a buggy cell, with every
  // worker, is the Node serial one (schedule, seed, report, shrunk decisions).
  const same = await sameFirstFinding(page);
  // Warm-up: V8 needs a few thousand edu schedules to reach steady state
  // (benchmarks/suites/explorer-edu.bench.mjs), in Node and in each worker.
  await nodeRate(1e6);
  const warm = Math.max(1, Math.ceil(WARMUP / SCHEDULES));
  for (let i = 0; i < warm; i++) {
    await nodeRate(1e6 + (i + 1) * SCHEDULES);
    await pageRate(page, 2e6 + i * SCHEDULES, 1);
    await pageRate(page, 3e6 + i * SCHEDULES, 0);
  }
  const rows = { node: [], page1: [], pageAll: [], ratio1: [], ratioAll: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const seed = 1 + r * SCHEDULES;
    const n = await nodeRate(seed);
    const p1 = await pageRate(page, seed, 1);
    const pa = await pageRate(page, seed, 0);
    rows.node.push(n);
    rows.page1.push(p1);
    rows.pageAll.push(pa);
    rows.ratio1.push(p1 / n);
    rows.ratioAll.push(pa / n);
  }
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  const fmt = (xs) => `${median(xs).toFixed(0).padStart(6)} /s ±${(spread(xs) * 100).toFixed(0)}% (n=${xs.length})`;
  const fx = (xs) => `${median(xs).toFixed(2)}× ±${(spread(xs) * 100).toFixed(0)}% (n=${xs.length})`;
  const out = {
    scenario: 'edu-fenced (playground fenced/none/unbind), random',
    schedulesPerSample: SCHEDULES,
    rounds: ROUNDS,
    chromium: browser.context.browser()?.version() ?? 'chromium',
    node: process.version,
    workersAll: cores,
    nodeSerial: { median: median(rows.node), spread: spread(rows.node), samples: rows.node },
    page1: { median: median(rows.page1), spread: spread(rows.page1), samples: rows.page1 },
    pageAll: { median: median(rows.pageAll), spread: spread(rows.pageAll), samples: rows.pageAll },
    ratio1: { median: median(rows.ratio1), spread: spread(rows.ratio1) },
    ratioAll: { median: median(rows.ratioAll), spread: spread(rows.ratioAll) },
  };
  out.sameFirstFinding = same;
  ok = same && out.ratio1.median >= 0.5;
  if (args.includes('--json')) console.log(JSON.stringify(out, null, 2));
  else {
    console.log(`playground engine vs CLI serial: ${out.scenario}, ${SCHEDULES} schedules/sample, ${ROUNDS} rounds`);
    console.log(`  Node ${process.version}, chromium ${out.chromium}, ${cores} hardware threads`);
    console.log(`  Node serial (explore, 1 job)       ${fmt(rows.node)}`);
    console.log(`  page, 1 Web Worker                 ${fmt(rows.page1)}   ratio to Node serial ${fx(rows.ratio1)}`);
    console.log(
      `  page, ${cores} Web Workers              ${fmt(rows.pageAll)}   ratio to Node serial ${fx(rows.ratioAll)}`,
    );
    console.log(`  first finding of kernel-c/1/unbind identical to Node serial: ${same ? 'yes' : 'NO'}`);
    console.log(`  acceptance (page 1 worker within 2× of CLI serial, ratio ≥ 0.5): ${ok ? 'met' : 'NOT met'}`);
  }
} finally {
  await browser.close();
  await server.close();
}
process.exit(ok ? 0 : 1);
