// Issue 10's acceptance, at full size, on the built edu scenarios
// (examples/buggy/dist/scenarios.js):
//
//   1. every buggy variant of docs/design.md §6 is found by random and by PCT
//      within 1,000 schedules, and its shrunk decision list replays to the
//      same report (kind + resource);
//   2. no correct discipline (fenced, revocable, kernel, devres-access,
//      srcu-device, c-revocable; unbind, and a mix of rebind + reload with
//      users keeping their files open) files a report in 10,000 random +
//      10,000 PCT schedules;
//   3. bounded exhaustive search proves the tiny fenced world clean within
//      the preemption bound, and the same search finds bug 9 in the same world.
//
// Too slow for the test suite (tests/integration/explorer-edu.test.ts runs
// the same checks with a few hundred schedules). Build first:
//
//   npx -y pnpm@10.34.8 build
//   node benchmarks/explore-acceptance.mjs [--schedules 10000] [--jobs 0] [--bound 2]
//        [--only buggy,correct,exhaustive] [--worlds fenced,srcuDevice,...] [--json] [--quick] [--lockdep]
//
// --lockdep runs every scenario with lockdep on (examples/buggy/dist/
// lockdep-scenarios.js): the same verdicts are expected, so a lockdep report
// on a correct world is a false positive.
//
// --jobs 0 (default) is one worker per core. Exit code 0 when every check
// holds, 1 otherwise.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { explore, findingKey, replay } from '@quiesce/explorer';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const SCHEDULES = Number(arg('--schedules', quick ? '200' : '10000'));
const jobsArg = Number(arg('--jobs', '0'));
const JOBS = jobsArg === 0 ? availableParallelism() : jobsArg;
const BOUND = Number(arg('--bound', quick ? '1' : '2'));
const only = arg('--only', 'buggy,correct,exhaustive').split(',');
const CORRECT_WORLDS = [
  'fenced',
  'revocable',
  'kernel',
  'devresAccess',
  'srcuDevice',
  'cRevocable',
  'fencedMix',
  'revocableMix',
  'kernelMix',
  'devresAccessMix',
  'srcuDeviceMix',
  'cRevocableMix',
];
const worlds = arg('--worlds', CORRECT_WORLDS.join(',')).split(',');
const BUG_BUDGET = 1000;

const LOCKDEP = args.includes('--lockdep');
const modulePath = fileURLToPath(
  new URL(`../examples/buggy/dist/${LOCKDEP ? 'lockdep-scenarios' : 'scenarios'}.js`, import.meta.url),
);
let S;
try {
  S = await import(modulePath);
} catch (e) {
  console.error(`cannot import ${modulePath} (build first: npx -y pnpm@10.34.8 build): ${e.message}`);
  process.exit(2);
}

const failures = [];
const report = { cores: availableParallelism(), jobs: JOBS, lockdep: LOCKDEP, buggy: [], correct: [], exhaustive: [] };
const t0 = performance.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (s) => process.stderr.write(`${s}\n`);

if (only.includes('buggy')) {
  log(`\n# Buggy variants: random and PCT, budget ${BUG_BUDGET} schedules each, jobs ${JOBS}`);
  log(`${'variant'.padEnd(26)} ${'expect'.padEnd(19)} ${'random@'.padStart(8)} ${'pct@'.padStart(6)}  shrunk (random)`);
  for (let n = 1; n <= 10; n++) {
    const name = `bug${String(n).padStart(2, '0')}`;
    const sc = S[name];
    const row = { export: name, scenario: sc.name, expect: sc.expect };
    for (const strategy of ['random', 'pct']) {
      const r = await explore(
        { module: modulePath, export: name },
        { strategy, schedules: BUG_BUDGET, kinds: [sc.expect], jobs: JOBS, shrink: strategy === 'random' },
      );
      const bug = r.findings[0];
      if (bug === undefined || bug.finding.kind !== sc.expect) {
        row[strategy] = null;
        continue;
      }
      row[strategy] = bug.schedule;
      if (strategy === 'random') {
        const again = await replay(sc, bug.shrunk, { seed: bug.seed, key: findingKey(bug.finding) });
        const same = again.finding !== null && findingKey(again.finding) === findingKey(bug.finding);
        row.resource = bug.finding.resource;
        row.decisions = bug.decisions.length;
        row.shrunk = bug.shrunk.length;
        row.preemptions = bug.preemptions;
        row.shrunkPreemptions = bug.shrunkPreemptions;
        row.replays = same;
        if (!same) failures.push(`${name}: the shrunk list does not replay to ${findingKey(bug.finding)}`);
      }
    }
    if (row.random === null && row.pct === null) failures.push(`${name}: not found within ${BUG_BUDGET} schedules`);
    report.buggy.push(row);
    log(
      `${sc.name.padEnd(26)} ${sc.expect.padEnd(19)} ${String(row.random ?? '-').padStart(8)} ${String(row.pct ?? '-').padStart(6)}  ` +
        (row.shrunk !== undefined
          ? `${row.decisions} -> ${row.shrunk} decisions, ${row.preemptions} -> ${row.shrunkPreemptions} preemptions, replays: ${row.replays}`
          : ''),
    );
  }
}

if (only.includes('correct')) {
  log(`\n# Correct disciplines: ${SCHEDULES} random + ${SCHEDULES} PCT schedules each, jobs ${JOBS}`);
  log(
    `${'scenario'.padEnd(22)} ${'strategy'.padEnd(9)} ${'schedules'.padStart(9)} ${'time'.padStart(9)} ${'sched/s'.padStart(8)}  verdict`,
  );
  for (const name of worlds) {
    for (const strategy of ['random', 'pct']) {
      const r = await explore({ module: modulePath, export: name }, { strategy, schedules: SCHEDULES, jobs: JOBS });
      const row = {
        export: name,
        scenario: r.scenario,
        strategy,
        schedules: r.schedules,
        elapsedMs: Math.round(r.elapsedMs),
        perSecond: Math.round((r.executed / r.elapsedMs) * 1000),
        clean: r.findings.length === 0,
        summary: r.summary,
      };
      report.correct.push(row);
      if (!row.clean) failures.push(`${name} ${strategy}: ${r.summary}\n${r.findings[0]?.text ?? ''}`);
      log(
        `${r.scenario.padEnd(22)} ${strategy.padEnd(9)} ${String(r.schedules).padStart(9)} ${secs(r.elapsedMs).padStart(9)} ${String(row.perSecond).padStart(8)}  ${row.clean ? 'clean' : r.summary}`,
      );
    }
  }
}

if (only.includes('exhaustive')) {
  log(`\n# Bounded exhaustive search, tiny world (${S.fencedTiny.name}), bounds 0..${BOUND}`);
  for (let k = 0; k <= BOUND; k++) {
    const r = await explore(S.fencedTiny, { strategy: 'exhaustive', preemptions: k });
    report.exhaustive.push({
      scenario: r.scenario,
      bound: k,
      schedules: r.schedules,
      elapsedMs: Math.round(r.elapsedMs),
      summary: r.summary,
    });
    if (!(r.exhausted && r.findings.length === 0 && !r.incomplete))
      failures.push(`${r.scenario} bound ${k}: ${r.summary}`);
    log(`${r.scenario}: ${r.summary} (${secs(r.elapsedMs)})`);
  }
  const b = await explore(S.bug09Tiny, { strategy: 'exhaustive', preemptions: BOUND, kinds: ['use-after-remove'] });
  const bug = b.findings[0];
  report.exhaustive.push({
    scenario: b.scenario,
    bound: BOUND,
    schedules: b.schedules,
    elapsedMs: Math.round(b.elapsedMs),
    summary: b.summary,
    ...(bug !== undefined ? { shrunk: bug.shrunk, shrunkPreemptions: bug.shrunkPreemptions } : {}),
  });
  if (bug?.finding.kind !== 'use-after-remove') failures.push(`${b.scenario}: ${b.summary}`);
  log(
    `${b.scenario}: ${b.summary}${bug !== undefined ? ` (run ${bug.schedule}; shrunk to ${bug.shrunk.length} decisions, ${bug.shrunkPreemptions} preemption(s))` : ''}`,
  );
  if (bug !== undefined) log(`\n${bug.text}\n\n${bug.trace.text}`);
}

report.elapsedMs = Math.round(performance.now() - t0);
report.ok = failures.length === 0;
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report)}\n`);
log(
  `\n${report.ok ? 'ACCEPTANCE HOLDS' : 'ACCEPTANCE FAILS'} (${secs(report.elapsedMs)}, ${report.cores} cores, jobs ${JOBS})`,
);
for (const f of failures) log(`  FAIL ${f}`);
process.exitCode = report.ok ? 0 : 1;
