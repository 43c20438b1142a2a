/** `quiesce-explore --replay FILE [scenario module]`: replay a replay file and say whether it reproduced. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatFinding } from '../finding.js';
import { replayFile } from '../replay-file.js';
import { DivergedError } from '../run.js';
import { ScenarioLoadError } from '../scenario.js';
import { type Command, UsageError } from './args.js';
import { EXIT, type Io } from './io.js';
import { exportTraces } from './traces.js';

type ReplayCommand = Extract<Command, { cmd: 'replay' }>;

/** The error to show for a replay file that cannot be used. */
function inputError(c: ReplayCommand, e: unknown): Error {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(c.file)) {
    return new UsageError(`${c.file}: no such replay file`);
  }
  if (e instanceof ScenarioLoadError) {
    // The usual cause: the file was moved or copied away from the scenario
    // it names by a path relative to itself.
    return new UsageError(
      `${e.message}\n  the replay file names its scenario module relative to its own folder (${dirname(resolve(c.file))});` +
        ` if the file was moved, move it back or give the module: quiesce-explore --replay ${c.file} <scenario module>`,
    );
  }
  if (e instanceof DivergedError)
    return new UsageError(`${e.message} (the scenario changed since the file was written?)`);
  if (e instanceof Error && e.message.startsWith(`${c.file}:`)) return new UsageError(e.message);
  return e instanceof Error ? e : new Error(String(e));
}

/** Runs the replay command. Context: outside the simulation. Returns: the exit code. */
export async function replayCommand(io: Io, c: ReplayCommand): Promise<number> {
  let r: Awaited<ReturnType<typeof replayFile>>;
  try {
    r = await replayFile(c.file, c.module);
  } catch (e) {
    throw inputError(c, e);
  }
  const f = r.file;
  io.out(
    `replay ${c.file}: scenario ${f.scenario.name} (${c.module ?? f.scenario.module}#${f.scenario.export}), seed ${f.seed}, ${f.decisions.length} decisions, written by quiesce ${f.quiesce}`,
  );
  for (const x of r.replay.findings) io.out(formatFinding(x));
  if (r.replay.trace !== null) io.out(`\n${r.replay.trace.text}`);
  io.out(
    r.reproduced
      ? `\nreproduced: ${f.report.title}`
      : r.replay.findings.length > 0
        ? `\nNOT reproduced exactly: recorded ${f.report.kind} on ${f.report.resource} at ${f.report.time} ns (${f.report.context})`
        : `\nNOT reproduced: the replay is clean (recorded ${f.report.kind} on ${f.report.resource})`,
  );
  const finding = r.replay.finding;
  if (finding !== null) exportTraces(io, c, r.replay, finding, `${c.file}`);
  return r.replay.findings.length > 0 ? EXIT.finding : EXIT.clean;
}
