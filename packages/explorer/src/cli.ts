#!/usr/bin/env node
/**
 * quiesce-explore: explore a scenario module from the command line.
 *
 *   quiesce-explore <scenario module> [--export name] [--strategy random|pct|exhaustive]
 *     [--schedules N] [--time ms] [--seed S] [--depth d] [--preemptions k]
 *     [--jobs J] [--kind K] [--all] [--no-shrink] [--out replay.json]
 *   quiesce-explore --replay replay.json
 *
 * Exit codes (for CI): 0 clean, 1 finding (or a replay that reproduces one),
 * 2 usage error (bad option, scenario module or replay file).
 */
import { parseArgs } from 'node:util';
import { progressBar } from './cli/progress.js';
import { summaryTable } from './cli/table.js';
import { type ExploreStrategy, explore } from './explore.js';
import { FINDING_KINDS, type FindingKind, formatFinding } from './finding.js';
import { replayFile, writeReplayFile } from './replay-file.js';
import { DivergedError } from './run.js';
import { loadScenario, ScenarioLoadError } from './scenario.js';

const USAGE = `usage: quiesce-explore <scenario module> [options]
       quiesce-explore --replay <file>

  --export NAME        scenario export (default: default, or the only one)
  --strategy S         random | pct | exhaustive (default random)
  --schedules N        schedule budget (default 1000; exhaustive: unbounded)
  --time MS            wall-clock budget in milliseconds
  --seed S             seed of the first schedule (default 1)
  --depth D            PCT depth (default 3)
  --preemptions K      exhaustive preemption bound (default 2)
  --jobs J             worker threads for random/pct (default 1; 0 = all cores)
  --kind K[,K]         only findings of these kinds count (repeatable; default all)
  --all                collect every distinct finding (default: stop at the first)
  --no-shrink          keep the decision list as found
  --out FILE           write a replay file for the first finding
  --replay FILE        replay a replay file
  -q, --quiet          no progress output
  -h, --help

exit: 0 clean, 1 finding, 2 usage error`;

class UsageError extends Error {}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min} (got ${v})`);
  return n;
}

/** Runs the CLI on `argv` (without node and script). Returns: the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const out = (s: string): void => {
    process.stdout.write(`${s}\n`);
  };
  const err = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  try {
    const { values, positionals } = parseArgs({
      args: argv.slice(),
      allowPositionals: true,
      options: {
        export: { type: 'string' },
        strategy: { type: 'string' },
        schedules: { type: 'string' },
        time: { type: 'string' },
        seed: { type: 'string' },
        depth: { type: 'string' },
        preemptions: { type: 'string' },
        jobs: { type: 'string' },
        kind: { type: 'string', multiple: true },
        all: { type: 'boolean' },
        'no-shrink': { type: 'boolean' },
        out: { type: 'string' },
        replay: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      out(USAGE);
      return 0;
    }
    if (values.replay !== undefined) {
      if (positionals.length > 0) throw new UsageError('--replay takes no scenario module');
      let r: Awaited<ReturnType<typeof replayFile>>;
      try {
        r = await replayFile(values.replay);
      } catch (e) {
        if (
          e instanceof ScenarioLoadError ||
          (e as NodeJS.ErrnoException).code === 'ENOENT' ||
          e instanceof SyntaxError
        )
          throw new UsageError((e as Error).message);
        if (e instanceof Error && e.message.includes('not a quiesce replay file')) throw new UsageError(e.message);
        if (e instanceof DivergedError)
          throw new UsageError(`${e.message} (the scenario changed since the file was written?)`);
        throw e;
      }
      const f = r.file;
      out(
        `replay ${values.replay}: scenario ${f.scenario.name} (${f.scenario.module}#${f.scenario.export}), seed ${f.seed}, ${f.decisions.length} decisions, written by quiesce ${f.quiesce}`,
      );
      for (const x of r.replay.findings) out(formatFinding(x));
      if (r.replay.trace !== null) out(`\n${r.replay.trace.text}`);
      out(
        r.reproduced
          ? `\nreproduced: ${f.report.title}`
          : r.replay.findings.length > 0
            ? `\nNOT reproduced exactly: recorded ${f.report.kind} on ${f.report.resource} at ${f.report.time} ns (${f.report.context})`
            : `\nNOT reproduced: the replay is clean (recorded ${f.report.kind} on ${f.report.resource})`,
      );
      return r.replay.findings.length > 0 ? 1 : 0;
    }
    if (positionals.length !== 1) throw new UsageError('expected exactly one scenario module');
    const module = positionals[0] as string;
    const strategy = (values.strategy ?? 'random') as ExploreStrategy;
    if (!['random', 'pct', 'exhaustive'].includes(strategy)) throw new UsageError(`unknown strategy ${strategy}`);
    const schedules = int('schedules', values.schedules, 1);
    const timeMs = int('time', values.time, 1);
    const seed = int('seed', values.seed, 0);
    const depth = int('depth', values.depth, 1);
    const preemptions = int('preemptions', values.preemptions, 0);
    const jobs = int('jobs', values.jobs, 0);
    let kinds: FindingKind[] | undefined;
    if (values.kind !== undefined) {
      kinds = values.kind.flatMap((v) => v.split(',')).filter((v) => v !== '') as FindingKind[];
      const bad = kinds.find((x) => !FINDING_KINDS.includes(x));
      if (bad !== undefined || kinds.length === 0)
        throw new UsageError(`--kind must be one of ${FINDING_KINDS.join(', ')} (got ${bad ?? 'nothing'})`);
    }
    let loaded: Awaited<ReturnType<typeof loadScenario>>;
    try {
      loaded = await loadScenario({ module, ...(values.export !== undefined ? { export: values.export } : {}) });
    } catch (e) {
      if (e instanceof ScenarioLoadError) throw new UsageError(e.message);
      throw e;
    }
    const ref = { module, export: loaded.exportName };
    const bar = values.quiet === true ? null : progressBar(process.stderr);
    const r = await explore(loaded.scenario, {
      strategy,
      module: ref,
      stopAtFirst: values.all !== true,
      shrink: values['no-shrink'] !== true,
      ...(schedules !== undefined ? { schedules } : {}),
      ...(timeMs !== undefined ? { timeMs } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(depth !== undefined ? { depth } : {}),
      ...(preemptions !== undefined ? { preemptions } : {}),
      ...(jobs !== undefined ? { jobs } : {}),
      ...(kinds !== undefined ? { kinds } : {}),
      ...(bar !== null ? { onProgress: (p) => bar.update(p) } : {}),
    });
    bar?.done();
    out(summaryTable(r, `${module}#${loaded.exportName}`));
    r.findings.forEach((b, i) => {
      out(`\n[${i + 1}] ${b.finding.kind} on ${b.finding.resource}`);
      out(b.text);
      out(`\nTrace (replay of the shrunk decisions):\n${b.trace.text}`);
      out(`\ndecisions: ${JSON.stringify(b.decisions)}\nshrunk:    ${JSON.stringify(b.shrunk)}`);
    });
    const first = r.findings[0];
    if (values.out !== undefined && first !== undefined) {
      writeReplayFile(values.out, first, r, ref);
      out(`\nreplay file: ${values.out}  (quiesce-explore --replay ${values.out})`);
    }
    return r.findings.length > 0 ? 1 : 0;
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    ) {
      err(`quiesce-explore: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
