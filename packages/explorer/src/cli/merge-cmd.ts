/** `quiesce-explore merge a.json b.json ... [--out merged.json]`: one result from the shards' results. */
import type { ExploreResult } from '../explore.js';
import { mergeResults, readResultFile, writeResultFile } from '../result-file.js';
import { type Command, UsageError } from './args.js';
import { EXIT, type Io } from './io.js';
import { summaryTable } from './table.js';

type MergeCommand = Extract<Command, { cmd: 'merge' }>;

/** Runs the merge command. Context: any (file I/O). Returns: the exit code (3 when shards are missing or cut short). */
export function mergeCommand(io: Io, c: MergeCommand): number {
  const results: ExploreResult[] = [];
  let source = '';
  for (const path of c.files) {
    try {
      const f = readResultFile(path);
      results.push(f.result);
      source = f.source;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${path}: no such result file`);
      throw new UsageError((e as Error).message);
    }
  }
  let m: ReturnType<typeof mergeResults>;
  try {
    m = mergeResults(results);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  io.out(summaryTable(m.result, `${source}, ${results.length} shard result${results.length === 1 ? '' : 's'}`));
  if (m.timedOut.length > 0) io.err(`quiesce-explore: shard(s) ${m.timedOut.join(', ')} stopped at their time budget`);
  if (c.out !== undefined) {
    writeResultFile(c.out, m.result, source);
    io.out(`\nmerged result: ${c.out}`);
  }
  if (m.result.findings.length > 0) return EXIT.finding;
  return m.complete ? EXIT.clean : EXIT.incomplete;
}
