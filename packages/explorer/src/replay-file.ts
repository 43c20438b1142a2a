/**
 * Replay files: plain JSON a user can attach to a bug report. The scenario
 * is named by module path (relative to the file) and export, so
 * `quiesce-explore --replay bug.json` can rebuild the run anywhere the
 * module is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExploreResult, FoundBug } from './explore.js';
import { type Finding, findingKey } from './finding.js';
import { type ReplayResult, replay } from './replay.js';
import { loadScenario, type Scenario, type ScenarioRef } from './scenario.js';
import { quiesceVersion } from './version.js';

export const REPLAY_FORMAT = 'quiesce-replay/1';

/** The JSON a replay file holds. */
export interface ReplayFile {
  format: typeof REPLAY_FORMAT;
  /** Version of @quiesce/explorer that wrote it. */
  quiesce: string;
  scenario: {
    /** Module path, relative to the replay file's directory (or absolute). */
    module: string;
    export: string;
    name: string;
  };
  /** How the schedule was found (informational: the decisions alone reproduce it). */
  strategy: string;
  /** Kernel seed of the run. */
  seed: number;
  /** Index of the schedule in its exploration. */
  schedule: number;
  /** The (shrunk) decisions to replay. */
  decisions: number[];
  /** The decisions of the schedule as found. */
  original: number[];
  /** The report the decisions reproduce. */
  report: { kind: string; title: string; resource: string; time: number; context: string };
}

function contextText(f: Finding): string {
  const c = f.context;
  return c.kind === 'task' ? `task ${c.name}/${c.pid} on CPU ${c.cpu}` : `${c.kind} ${c.name} on CPU ${c.cpu}`;
}

function modulePath(module: string): string {
  return module.startsWith('file:') ? fileURLToPath(module) : resolve(module);
}

/**
 * Builds the replay file for `bug`, naming the scenario module relative to
 * `dir` (the directory the file will be written to). Context: any.
 */
export function replayFileFor(
  bug: FoundBug,
  result: ExploreResult,
  ref: ScenarioRef & { export: string },
  dir: string,
): ReplayFile {
  const abs = modulePath(ref.module);
  // Relative to the file when they share more than the filesystem root, so
  // a repository's replay files keep working in another checkout.
  const rel0 = relative(dir, abs);
  const ups = rel0.split(sep).filter((x) => x === '..').length;
  const depth = resolve(dir)
    .split(sep)
    .filter((x) => x !== '').length;
  const rel = isAbsolute(rel0) || ups >= depth ? abs : rel0.split(sep).join('/');
  return {
    format: REPLAY_FORMAT,
    quiesce: quiesceVersion(),
    scenario: { module: rel, export: ref.export, name: result.scenario },
    strategy:
      result.strategy === 'pct'
        ? `pct depth ${result.depth}`
        : result.strategy === 'exhaustive'
          ? `exhaustive bound ${result.bound}`
          : 'random',
    seed: bug.seed,
    schedule: bug.schedule,
    decisions: bug.shrunk.slice(),
    original: bug.decisions.slice(),
    report: {
      kind: bug.finding.kind,
      title: bug.finding.title,
      resource: bug.finding.resource,
      time: bug.finding.time,
      context: contextText(bug.finding),
    },
  };
}

/** Writes the replay file of `bug` to `path` (pretty JSON). Context: any (file I/O). Returns: what was written. */
export function writeReplayFile(
  path: string,
  bug: FoundBug,
  result: ExploreResult,
  ref: ScenarioRef & { export: string },
): ReplayFile {
  const file = replayFileFor(bug, result, ref, dirname(resolve(path)));
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

const isInts = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => Number.isInteger(x) && (x as number) >= 0);

/**
 * Reads and validates a replay file. Context: any (file I/O).
 * Errors: Error naming the first malformed field.
 */
export function readReplayFile(path: string): ReplayFile {
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') throw new Error(`${path}: empty file (not a quiesce replay file)`);
  let v: Partial<ReplayFile>;
  try {
    v = JSON.parse(text) as Partial<ReplayFile>;
  } catch (e) {
    throw new Error(`${path}: truncated or not JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null) throw new Error(`${path}: not a quiesce replay file (not an object)`);
  const bad = (what: string): never => {
    throw new Error(`${path}: not a quiesce replay file (${what})`);
  };
  if (v.format !== REPLAY_FORMAT) bad(`format is ${String(v.format)}, expected ${REPLAY_FORMAT}`);
  if (typeof v.scenario?.module !== 'string' || typeof v.scenario.export !== 'string') bad('scenario');
  if (!Number.isInteger(v.seed)) bad('seed');
  if (!isInts(v.decisions)) bad('decisions');
  if (typeof v.report?.kind !== 'string' || typeof v.report.resource !== 'string') bad('report');
  return v as ReplayFile;
}

export interface ReplayFileResult {
  file: ReplayFile;
  scenario: Scenario;
  replay: ReplayResult;
  /** The replay filed the recorded report: same kind, resource, title, virtual time and context. */
  reproduced: boolean;
}

/**
 * Reads a replay file, loads its scenario (module path relative to the
 * file, or `module` when given: relative to the current directory) and
 * replays the decisions. Context: outside the simulation.
 * Errors: Error naming the file when it is empty, truncated or malformed;
 * ScenarioLoadError; DivergedError if the scenario changed so that the
 * decisions no longer fit.
 */
export async function replayFile(path: string, module?: string): Promise<ReplayFileResult> {
  const file = readReplayFile(path);
  const { scenario } = await loadScenario(
    { module: module ?? file.scenario.module, export: file.scenario.export },
    module !== undefined ? process.cwd() : dirname(resolve(path)),
  );
  const key = findingKey(file.report);
  const r = await replay(scenario, file.decisions, { seed: file.seed, key });
  const f = r.findings.find((x) => findingKey(x) === key);
  const reproduced =
    f !== undefined &&
    f.title === file.report.title &&
    f.time === file.report.time &&
    contextText(f) === file.report.context;
  return { file, scenario, replay: r, reproduced };
}
