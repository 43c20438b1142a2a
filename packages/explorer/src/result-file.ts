/**
 * Result files: an exploration's result as JSON (`--result FILE`), the unit
 * `quiesce-explore merge` combines when an exploration ran as shards.
 *
 * Merging: findings are deduplicated by kind and resource (the first
 * schedule wins, occurrences add up), schedule counts add up, and a bound
 * is proved (exhausted) only when every shard of the exploration is present
 * and exhausted its part. A missing or time-limited shard makes the merged
 * result incomplete.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ExploreResult, FoundBug } from './explore.js';
import { findingKey } from './finding.js';
import { summaryLine } from './summary.js';
import { quiesceVersion } from './version.js';

/** The `format` field of result files (bumped on an incompatible change). */
export const RESULT_FORMAT = 'quiesce-result/1';

/** The JSON a result file holds. */
export interface ResultFile {
  format: typeof RESULT_FORMAT;
  quiesce: string;
  /** The scenario module and export, as given on the command line. */
  source: string;
  result: ExploreResult;
}

/** A merged result: the result, and what keeps it from covering the whole exploration. */
export interface MergedResult {
  result: ExploreResult;
  /** Shards of the exploration that no file covers (indices). */
  missing: number[];
  /** Shards that stopped at the time budget. */
  timedOut: number[];
  /** Nothing missing, nothing cut short. */
  complete: boolean;
}

/** Writes `result` to `path`. Context: any (file I/O). */
export function writeResultFile(path: string, result: ExploreResult, source: string): void {
  const file: ResultFile = { format: RESULT_FORMAT, quiesce: quiesceVersion(), source, result };
  writeFileSync(path, `${JSON.stringify(file)}\n`);
}

/**
 * Reads a result file. Context: any (file I/O).
 * Errors: Error naming the file when it is empty, truncated or not a result file.
 */
export function readResultFile(path: string): ResultFile {
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') throw new Error(`${path}: empty file (not a quiesce result file)`);
  let v: Partial<ResultFile>;
  try {
    v = JSON.parse(text) as Partial<ResultFile>;
  } catch (e) {
    throw new Error(`${path}: truncated or not JSON (${(e as Error).message})`);
  }
  if (v.format !== RESULT_FORMAT || typeof v.result !== 'object' || v.result === null) {
    throw new Error(`${path}: not a quiesce result file (format ${String(v.format)}, expected ${RESULT_FORMAT})`);
  }
  return v as ResultFile;
}

/** The fields every shard of one exploration must agree on. */
function identity(r: ExploreResult): string {
  const { scenario, strategy, seed, depth, pctSteps, bound, kinds, budget } = r;
  return JSON.stringify({
    scenario,
    strategy,
    seed,
    depth,
    pctSteps,
    bound,
    kinds,
    budget,
    s: r.stopAtFirst,
    n: r.shard?.count ?? 1,
  });
}

/** Distinct findings of all shards: the lowest schedule wins, occurrences add up. */
function mergeFindings(rs: readonly ExploreResult[], stopAtFirst: boolean): FoundBug[] {
  if (stopAtFirst) {
    // Each shard stopped at its first finding; the unsharded run would have
    // stopped at the lowest of them (occurrences are counted only when collecting all).
    const firsts = rs.flatMap((r) => r.findings.slice(0, 1));
    firsts.sort((a, b) => a.schedule - b.schedule);
    return firsts.slice(0, 1);
  }
  const byKey = new Map<string, FoundBug>();
  for (const r of rs) {
    for (const f of r.findings) {
      const key = findingKey(f.finding);
      const old = byKey.get(key);
      if (old === undefined) byKey.set(key, { ...f });
      else if (f.schedule < old.schedule) byKey.set(key, { ...f, occurrences: f.occurrences + old.occurrences });
      else old.occurrences += f.occurrences;
    }
  }
  return [...byKey.values()].sort((a, b) => a.schedule - b.schedule);
}

/**
 * Merges the results of the shards of one exploration. Context: any (pure).
 * Returns: the merged result and what it lacks.
 * Errors: Error when the results are not shards of one exploration, or two
 * cover the same shard.
 */
export function mergeResults(rs: readonly ExploreResult[]): MergedResult {
  const first = rs[0];
  if (first === undefined) throw new Error('merge: no result files');
  const id = identity(first);
  const count = first.shard?.count ?? 1;
  const seen = new Set<number>();
  for (const r of rs) {
    if (identity(r) !== id)
      throw new Error(`merge: ${r.scenario} (${r.strategy}) is not a shard of the same exploration`);
    const i = r.shard?.index ?? 0;
    if (seen.has(i)) throw new Error(`merge: shard ${i}/${count} given twice`);
    seen.add(i);
  }
  const missing = [...Array(count).keys()].filter((i) => !seen.has(i));
  const timedOut = rs.filter((r) => r.stoppedBy === 'time').map((r) => r.shard?.index ?? 0);
  const stopAtFirst = first.stopAtFirst;
  const findings = mergeFindings(rs, stopAtFirst);
  const exhausted = first.strategy === 'exhaustive' && missing.length === 0 && rs.every((r) => r.exhausted);
  const sum = (f: (r: ExploreResult) => number): number => rs.reduce((a, r) => a + f(r), 0);
  const hit = stopAtFirst ? findings[0] : undefined;
  const { shard: _shard, ...base } = first;
  const result: ExploreResult = {
    ...base,
    // Seeded shards cover contiguous ranges: with a first finding at global
    // index i, schedules 0..i were all explored.
    schedules: hit !== undefined && first.strategy !== 'exhaustive' ? hit.schedule + 1 : sum((r) => r.schedules),
    executed: sum((r) => r.executed),
    exhausted,
    // A shard's schedules that did not complete keep the merged bound unproved.
    ...(first.strategy === 'exhaustive' ? { incomplete: sum((r) => r.incomplete ?? 0) } : {}),
    stoppedBy: exhausted ? 'exhausted' : hit !== undefined ? 'finding' : timedOut.length > 0 ? 'time' : 'schedules',
    findings,
    jobs: Math.max(...rs.map((r) => r.jobs)),
    elapsedMs: Math.max(...rs.map((r) => r.elapsedMs)),
    summary: '',
  };
  result.summary = summaryLine(result);
  if (missing.length > 0)
    result.summary += ` (incomplete: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing)`;
  return { result, missing, timedOut, complete: missing.length === 0 && timedOut.length === 0 };
}
