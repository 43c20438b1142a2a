/**
 * Shrinking a decision list: find a shorter list, with fewer preemptions,
 * that still reproduces the same bug (same kind and resource) when replayed.
 *
 * Replay semantics make every edit meaningful: when the list runs out the
 * kernel continues with its fifo choice, so a truncated list is a complete
 * schedule, and an edited entry is simply a different choice at that point
 * (a replay whose entry no longer fits the candidates is rejected).
 *
 * Greedy passes, repeated until none improves or the run budget is spent:
 * truncation (binary search for the shortest prefix), preemption removal
 * (replace a preempting choice by the continuing task), chunk removal
 * (delta debugging with halving chunk sizes) and zeroing entries. A candidate
 * is kept only if it reproduces and is strictly smaller in
 * (preemptions, length, sum of entries), so shrinking terminates.
 */
import { findingKey } from './finding.js';
import { countPreemptions, DivergedError, type PointInfo, runSchedule, scriptedChooser } from './run.js';
import type { Scenario } from './scenario.js';

export interface ShrinkOptions {
  seed: number;
  /** Replays the shrinker may spend (default 500). */
  maxRuns?: number;
  maxSteps?: number;
}

export interface ShrinkResult {
  /** The shrunk decision list (replays to the same kind and resource). */
  decisions: number[];
  /** Preemptions of the whole replayed run. */
  preemptions: number;
  /** Preemptions of the original list's run. */
  originalPreemptions: number;
  /** Replays spent. */
  runs: number;
}

interface Trial {
  ok: boolean;
  preemptions: number;
  log: PointInfo[];
}

/** (preemptions, length, sum): the order shrinking descends. */
function smaller(a: { list: number[]; pre: number }, b: { list: number[]; pre: number }): boolean {
  if (a.pre !== b.pre) return a.pre < b.pre;
  if (a.list.length !== b.list.length) return a.list.length < b.list.length;
  let sa = 0;
  let sb = 0;
  for (const x of a.list) sa += x;
  for (const x of b.list) sb += x;
  return sa < sb;
}

/**
 * Shrinks `decisions`, which reproduce a finding with key `key` (see
 * {@link findingKey}). Context: outside the simulation. Returns: the smallest
 * list found (the original if nothing smaller reproduces).
 */
export async function shrinkDecisions(
  scenario: Scenario,
  decisions: readonly number[],
  key: string,
  opts: ShrinkOptions,
): Promise<ShrinkResult> {
  const maxRuns = opts.maxRuns ?? 500;
  let runs = 0;
  const trial = async (list: readonly number[]): Promise<Trial> => {
    runs++;
    const log: PointInfo[] = [];
    try {
      const out = await runSchedule(scenario, {
        strategy: 'fifo',
        seed: opts.seed,
        stacks: false,
        recycle: true,
        chooser: scriptedChooser(list, 'fifo', log),
        ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
      });
      return { ok: out.findings.some((f) => findingKey(f) === key), preemptions: countPreemptions(log), log };
    } catch (e) {
      if (e instanceof DivergedError) return { ok: false, preemptions: 0, log };
      throw e;
    }
  };

  const first = await trial(decisions);
  let best = { list: decisions.slice(), pre: first.preemptions, log: first.log };
  const originalPreemptions = first.preemptions;
  if (!first.ok) return { decisions: best.list, preemptions: best.pre, originalPreemptions, runs };

  const attempt = async (list: number[]): Promise<boolean> => {
    if (runs >= maxRuns) return false;
    const t = await trial(list);
    if (!t.ok) return false;
    const cand = { list, pre: t.preemptions, log: t.log };
    if (!smaller(cand, best)) return false;
    best = cand;
    return true;
  };

  // Shortest reproducing prefix (binary search; not monotone in general, but
  // only verified prefixes are kept).
  let lo = 0;
  let hi = best.list.length;
  while (lo < hi && runs < maxRuns) {
    const mid = (lo + hi) >> 1;
    if (await attempt(best.list.slice(0, mid))) hi = best.list.length;
    else lo = mid + 1;
  }

  for (let improved = true; improved && runs < maxRuns; ) {
    improved = await onePass(
      () => best,
      attempt,
      () => runs < maxRuns,
    );
  }
  return { decisions: best.list, preemptions: best.pre, originalPreemptions, runs };
}

/** The best list so far, with its preemption count and decision log. */
interface Best {
  list: number[];
  pre: number;
  log: PointInfo[];
}

/**
 * One round of the greedy passes over `best()` (preemption removal, chunk
 * removal, zeroing, trailing fifo entries). `attempt` keeps a candidate that
 * reproduces and is smaller; `more` says whether replays are left.
 * Returns: whether any pass improved the list.
 */
async function onePass(
  best: () => Best,
  attempt: (list: number[]) => Promise<boolean>,
  more: () => boolean,
): Promise<boolean> {
  let improved = false;
  // Preemption removal: let the continuing task go on instead.
  for (let i = 0; i < best().list.length && more(); i++) {
    const p = best().log[i];
    if (p === undefined || p.cont < 0 || p.pick === p.cont) continue;
    const list = best().list.slice();
    list[i] = p.cont;
    if (await attempt(list)) improved = true;
  }
  // Chunk removal, halving sizes (ddmin's complement step).
  for (let size = best().list.length >> 1 || 1; size >= 1 && more(); size >>= 1) {
    for (let start = 0; start < best().list.length && more(); ) {
      const list = [...best().list.slice(0, start), ...best().list.slice(start + size)];
      if (await attempt(list)) improved = true;
      else start += size;
    }
  }
  // Zeroing: the head of the run queue instead of whatever was picked.
  for (let i = 0; i < best().list.length && more(); i++) {
    if (best().list[i] === 0) continue;
    const list = best().list.slice();
    list[i] = 0;
    if (await attempt(list)) improved = true;
  }
  // Trailing entries equal to the fifo fallback are redundant.
  while (best().list.length > 0 && more()) {
    const i = best().list.length - 1;
    const p = best().log[i];
    if (p === undefined || best().list[i] !== p.fifo) break;
    if (!(await attempt(best().list.slice(0, i)))) break;
    improved = true;
  }
  return improved;
}
