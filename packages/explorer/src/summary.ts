/** The one-line verdict of an exploration: what was covered and what that shows. */
import type { ExploreResult } from './explore.js';
import { shardRange } from './shard.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `explored all N schedules within bound k: clean` when an exhaustive search
 * finished; otherwise what was run, why it stopped and what it found.
 * Context: any (pure).
 */
export function summaryLine(r: Omit<ExploreResult, 'summary'>): string {
  const found =
    r.findings.length === 0
      ? r.kinds !== undefined
        ? `clean of ${r.kinds.join(', ')}`
        : 'clean'
      : r.findings.length === 1
        ? `found ${(r.findings[0] as ExploreResult['findings'][number]).finding.kind} on ${(r.findings[0] as ExploreResult['findings'][number]).finding.resource}`
        : `${plural(r.findings.length, 'distinct finding')}`;
  if (r.strategy === 'exhaustive') {
    // A shard proves nothing alone: say so, the merge of every shard makes the claim.
    const of = r.shard !== undefined ? ` of shard ${r.shard.index}/${r.shard.count}` : '';
    // A bound is proved only over schedules that ran to completion.
    const left = r.incomplete ? `, ${r.incomplete} of them did not complete` : '';
    // Without every schedule complete, "no finding" is not "clean".
    const verdict = r.incomplete && r.findings.length === 0 ? 'no finding, bound not proved' : found;
    if (r.exhausted)
      return `explored all ${plural(r.schedules, 'schedule')}${of} within bound ${r.bound}${left}: ${verdict}`;
    const why = r.stoppedBy === 'finding' ? 'stopped at the first finding' : `${r.stoppedBy} budget spent`;
    return `explored ${plural(r.schedules, 'schedule')}${of} within bound ${r.bound}${left}, not exhausted (${why}): ${verdict}`;
  }
  const what = r.strategy === 'pct' ? `PCT (depth ${r.depth}) schedules` : 'random schedules';
  // A shard's schedules start at its range's first index (shard.ts).
  const lo = r.shard !== undefined && r.budget !== undefined ? shardRange(r.budget, r.shard)[0] : 0;
  const first = r.seed + lo;
  const seeds = r.schedules > 0 ? `seeds ${first}..${first + r.schedules - 1}` : 'no seeds';
  const part = r.shard !== undefined ? `, shard ${r.shard.index}/${r.shard.count}` : '';
  const where =
    r.findings.length > 0 ? ` at schedule ${(r.findings[0] as ExploreResult['findings'][number]).schedule}` : '';
  const why = r.stoppedBy === 'time' ? ', time budget spent' : '';
  return `explored ${r.schedules} ${what} (${seeds}${part}${why}): ${found}${where}`;
}
