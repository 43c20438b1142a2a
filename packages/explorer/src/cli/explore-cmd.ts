/** `quiesce-explore <scenario module> [options]`: explore, print, write the requested files. */
import { type ExploreOptions, explore } from '../explore.js';
import { findingKey } from '../finding.js';
import { replay } from '../replay.js';
import { writeReplayFile } from '../replay-file.js';
import { writeResultFile } from '../result-file.js';
import { loadScenario, ScenarioLoadError } from '../scenario.js';
import { STRATEGIES } from '../strategy/index.js';
import type { StrategyOption } from '../strategy/strategy.js';
import { type Command, UsageError } from './args.js';
import { EXIT, type Io } from './io.js';
import { progressBar } from './progress.js';
import { summaryTable } from './table.js';
import { exportTraces } from './traces.js';

type ExploreCommand = Extract<Command, { cmd: 'explore' }>;

/** Warns about options the chosen strategy does not read (they would be silently ignored). */
function warnUnused(io: Io, c: ExploreCommand): void {
  const reads = STRATEGIES[c.strategy].reads;
  for (const g of c.given) {
    if (!reads.includes(g as StrategyOption)) {
      io.err(`quiesce-explore: warning: --${g} does not apply to --strategy ${c.strategy}; ignored`);
    }
  }
}

function options(c: ExploreCommand, ref: { module: string; export: string }): ExploreOptions {
  return {
    strategy: c.strategy,
    module: ref,
    stopAtFirst: !c.all,
    shrink: c.shrink,
    ...(c.schedules !== undefined ? { schedules: c.schedules } : {}),
    ...(c.timeMs !== undefined ? { timeMs: c.timeMs } : {}),
    ...(c.seed !== undefined ? { seed: c.seed } : {}),
    ...(c.depth !== undefined ? { depth: c.depth } : {}),
    ...(c.preemptions !== undefined ? { preemptions: c.preemptions } : {}),
    ...(c.jobs !== undefined ? { jobs: c.jobs } : {}),
    ...(c.shard !== undefined ? { shard: c.shard } : {}),
    ...(c.kinds !== undefined ? { kinds: c.kinds } : {}),
  };
}

/** Runs the explore command. Context: outside the simulation. Returns: the exit code. */
export async function exploreCommand(io: Io, c: ExploreCommand): Promise<number> {
  warnUnused(io, c);
  let loaded: Awaited<ReturnType<typeof loadScenario>>;
  try {
    loaded = await loadScenario({ module: c.module, ...(c.export !== undefined ? { export: c.export } : {}) });
  } catch (e) {
    if (e instanceof ScenarioLoadError) throw new UsageError(e.message);
    throw e;
  }
  const ref = { module: c.module, export: loaded.exportName };
  const source = `${c.module}#${loaded.exportName}`;
  const bar = c.quiet ? null : progressBar(process.stderr);
  const r = await explore(loaded.scenario, {
    ...options(c, ref),
    ...(bar !== null ? { onProgress: (p) => bar.update(p) } : {}),
  });
  bar?.done();
  io.out(summaryTable(r, source));
  r.findings.forEach((b, i) => {
    io.out(`\n[${i + 1}] ${b.finding.kind} on ${b.finding.resource}`);
    io.out(b.text);
    io.out(`\nTrace (replay of the shrunk decisions):\n${b.trace.text}`);
    io.out(`\ndecisions: ${JSON.stringify(b.decisions)}\nshrunk:    ${JSON.stringify(b.shrunk)}`);
  });
  const first = r.findings[0];
  if (c.result !== undefined) {
    writeResultFile(c.result, r, source);
    io.out(`\nresult file: ${c.result}  (quiesce-explore merge ${c.result} ...)`);
  }
  if (first !== undefined && c.out !== undefined) {
    writeReplayFile(c.out, first, r, ref);
    io.out(`\nreplay file: ${c.out}  (quiesce-explore --replay ${c.out})`);
  }
  if (first !== undefined && (c.traceOut !== undefined || c.ftrace)) {
    const key = findingKey(first.finding);
    const rp = await replay(loaded.scenario, first.shrunk, { seed: first.seed, key });
    exportTraces(io, c, rp, first.finding, `${source} ${key}`);
  } else if (c.traceOut !== undefined || c.ftrace) io.err('quiesce-explore: no finding, so no trace to export');
  if (first !== undefined) return EXIT.finding;
  // No finding over schedules that did not all complete proves nothing.
  return r.stoppedBy === 'time' || (r.incomplete ?? 0) > 0 ? EXIT.incomplete : EXIT.clean;
}
