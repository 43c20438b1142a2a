/**
 * The replay file's document (`quiesce-replay/1`) without any file system:
 * building it from a found bug and validating a parsed one. replay-file.ts
 * adds the reading, writing and path handling the CLI needs; the browser
 * entry (browser.ts) uses this module alone.
 */
import type { ExploreResult, FoundBug } from './explore.js';
import { type Finding, findingKey } from './finding.js';

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

/** `task user0/3 on CPU 1`, `hardirq edu on CPU 0`: where a finding's report was filed, as a replay file says it. */
export function contextText(f: Finding): string {
  const c = f.context;
  return c.kind === 'task' ? `task ${c.name}/${c.pid} on CPU ${c.cpu}` : `${c.kind} ${c.name} on CPU ${c.cpu}`;
}

/** How the schedule of `result` was found, in the replay file's words. */
function strategyText(result: Pick<ExploreResult, 'strategy' | 'depth' | 'bound'>): string {
  return result.strategy === 'pct'
    ? `pct depth ${result.depth}`
    : result.strategy === 'exhaustive'
      ? `exhaustive bound ${result.bound}`
      : 'random';
}

/**
 * The replay document of `bug`, naming the scenario by `module` exactly as
 * given (the caller decides what it is relative to) and `exportName`.
 * Context: any (pure). Returns: the document; `version` is the writer's.
 */
export function buildReplayFile(
  bug: FoundBug,
  result: Pick<ExploreResult, 'scenario' | 'strategy' | 'depth' | 'bound'>,
  module: string,
  exportName: string,
  version: string,
): ReplayFile {
  return {
    format: REPLAY_FORMAT,
    quiesce: version,
    scenario: { module, export: exportName, name: result.scenario },
    strategy: strategyText(result),
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

const isInts = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => Number.isInteger(x) && (x as number) >= 0);

/**
 * Validates a parsed replay document; `source` names it in errors (a path,
 * a file name). Context: any (pure).
 * Errors: Error `<source>: not a quiesce replay file (<field>)` naming the
 * first malformed field.
 */
export function checkReplayFile(v: unknown, source: string): ReplayFile {
  if (typeof v !== 'object' || v === null) throw new Error(`${source}: not a quiesce replay file (not an object)`);
  const f = v as Partial<ReplayFile>;
  const bad = (what: string): never => {
    throw new Error(`${source}: not a quiesce replay file (${what})`);
  };
  if (f.format !== REPLAY_FORMAT) bad(`format is ${String(f.format)}, expected ${REPLAY_FORMAT}`);
  if (typeof f.scenario?.module !== 'string' || typeof f.scenario.export !== 'string') bad('scenario');
  if (!Number.isInteger(f.seed)) bad('seed');
  if (!isInts(f.decisions)) bad('decisions');
  if (typeof f.report?.kind !== 'string' || typeof f.report.resource !== 'string') bad('report');
  return f as ReplayFile;
}

/**
 * Parses and validates the text of a replay file. Context: any (pure).
 * Errors: Error naming `source` when the text is empty, not JSON, or a
 * malformed document (see {@link checkReplayFile}).
 */
export function parseReplayFile(text: string, source: string): ReplayFile {
  if (text.trim() === '') throw new Error(`${source}: empty file (not a quiesce replay file)`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: truncated or not JSON (${(e as Error).message})`);
  }
  return checkReplayFile(v, source);
}

/**
 * True when `findings` (a replay's) contain the report `file` recorded: same
 * kind, resource, title, virtual time and context. Context: any (pure).
 */
export function reproduces(file: ReplayFile, findings: readonly Finding[]): boolean {
  const key = findingKey(file.report);
  const f = findings.find((x) => findingKey(x) === key);
  return (
    f !== undefined &&
    f.title === file.report.title &&
    f.time === file.report.time &&
    contextText(f) === file.report.context
  );
}
