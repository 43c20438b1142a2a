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
import { findingKey } from './finding.js';
import { type ReplayResult, replay } from './replay.js';
import { buildReplayFile, parseReplayFile, type ReplayFile, reproduces } from './replay-doc.js';
import { loadScenario, type Scenario, type ScenarioRef } from './scenario.js';
import { quiesceVersion } from './version.js';

export { REPLAY_FORMAT, type ReplayFile } from './replay-doc.js';

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
  return buildReplayFile(bug, result, rel, ref.export, quiesceVersion());
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

/**
 * Reads and validates a replay file. Context: any (file I/O).
 * Errors: Error naming the first malformed field.
 */
export function readReplayFile(path: string): ReplayFile {
  return parseReplayFile(readFileSync(path, 'utf8'), path);
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
  const r = await replay(scenario, file.decisions, { seed: file.seed, key: findingKey(file.report) });
  return { file, scenario, replay: r, reproduced: reproduces(file, r.findings) };
}
