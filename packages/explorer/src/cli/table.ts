/** The CLI's summary table: one block for the run, one row per distinct finding. */
import type { ExploreResult } from '../explore.js';

function pad(cells: string[][]): string {
  const widths: number[] = [];
  for (const row of cells) {
    for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i] ?? 0, (row[i] as string).length);
  }
  return cells
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Formats the summary table of an exploration. Context: any (pure). */
export function summaryTable(r: ExploreResult, source: string): string {
  const s = r.elapsedMs / 1000;
  const strategy =
    r.strategy === 'pct'
      ? `pct, depth ${r.depth}, ${r.pctSteps} steps estimate, seeds from ${r.seed}`
      : r.strategy === 'exhaustive'
        ? `exhaustive, preemption bound ${r.bound}`
        : `random, seeds from ${r.seed}`;
  // A handful of schedules then a long shrink would round to "0 schedules/s".
  const rate = (n: number, secs: number): string =>
    secs <= 0 ? '-' : n / secs >= 10 ? String(Math.round(n / secs)) : (n / secs).toFixed(1);
  const head = pad([
    ['scenario', `${r.scenario} (${source})`],
    ['strategy', `${strategy}, ${r.jobs} job${r.jobs === 1 ? '' : 's'}`],
    [
      'explored',
      `${r.schedules} schedules${r.executed !== r.schedules ? ` (${r.executed} run)` : ''} in ${s.toFixed(2)} s (${rate(r.executed, s)} schedules/s${r.findings.length > 0 ? ', shrinking included' : ''})`,
    ],
    ['result', r.summary],
  ]);
  if (r.findings.length === 0) return head;
  const rows = [['#', 'kind', 'resource', 'schedule', 'seed', 'hits', 'decisions', 'shrunk', 'preemptions']];
  r.findings.forEach((b, i) => {
    rows.push([
      String(i + 1),
      b.finding.kind,
      b.finding.resource,
      String(b.schedule),
      String(b.seed),
      String(b.occurrences),
      String(b.decisions.length),
      String(b.shrunk.length),
      `${b.preemptions} -> ${b.shrunkPreemptions}`,
    ]);
  });
  return `${head}\n\n${pad(rows)}`;
}
