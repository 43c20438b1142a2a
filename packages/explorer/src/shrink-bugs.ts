/**
 * From distinct raw bugs to reported ones: shrink each decision list, then
 * replay it with traces and call traces on (the search ran without them).
 */
import type { FoundBug } from './explore.js';
import { findingKey } from './finding.js';
import type { RawBug } from './merge.js';
import { replay } from './replay.js';
import type { Scenario } from './scenario.js';
import { shrinkDecisions } from './shrink.js';

/**
 * Shrinks and traces `raw`, serially (deterministic, and cheap next to
 * exploring). Context: outside the simulation. Returns: one FoundBug each.
 * Errors: Error when a decision list does not replay to its bug (an
 * explorer bug or a scenario that is not deterministic).
 */
export async function shrinkAndTrace(
  sc: Scenario,
  raw: readonly RawBug[],
  maxSteps: number,
  options: { shrink?: boolean; shrinkRuns?: number; traceEvents?: number },
): Promise<FoundBug[]> {
  const findings: FoundBug[] = [];
  for (const b of raw) {
    const key = findingKey(b.finding);
    let shrunk = b.decisions;
    let shrunkPre = b.preemptions;
    let origPre = b.preemptions;
    let shrinkRuns = 0;
    if (options.shrink ?? true) {
      const s = await shrinkDecisions(sc, b.decisions, key, {
        seed: b.seed,
        maxRuns: options.shrinkRuns ?? 500,
        maxSteps,
      });
      shrunk = s.decisions;
      shrunkPre = s.preemptions;
      origPre = s.originalPreemptions;
      shrinkRuns = s.runs;
    } else if (origPre < 0) {
      const s = await shrinkDecisions(sc, b.decisions, key, { seed: b.seed, maxRuns: 1, maxSteps });
      origPre = s.originalPreemptions;
      shrunkPre = origPre;
    }
    const rp = await replay(sc, shrunk, {
      seed: b.seed,
      key,
      maxSteps,
      ...(options.traceEvents !== undefined ? { traceEvents: options.traceEvents } : {}),
    });
    const f = rp.findings.find((x) => findingKey(x) === key);
    if (f === undefined || rp.trace === null) {
      throw new Error(`explorer: internal error: the decision list of ${key} does not replay to it`);
    }
    findings.push({
      finding: f,
      text: rp.text,
      schedule: b.index,
      seed: b.seed,
      occurrences: b.occurrences,
      decisions: b.decisions,
      preemptions: origPre,
      shrunk,
      shrunkPreemptions: shrunkPre,
      shrinkRuns,
      trace: rp.trace,
    });
  }
  return findings;
}
