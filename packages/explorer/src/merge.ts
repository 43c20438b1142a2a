/**
 * The one finding merge: hits (schedules that found something) become
 * distinct bugs, keyed by kind and resource (see findingKey), each kept with
 * the lowest schedule index that hit it and a count of the schedules that did.
 *
 * The same merge serves the serial loop, the worker threads (hits arrive out
 * of order), exhaustive search and `quiesce-explore merge` of shard results,
 * so every path gives the same answer. Adding a hit costs O(findings of the
 * hit) whatever came before: collecting every finding of a long run is
 * linear, not a re-merge per chunk.
 */
import { type Finding, findingKey } from './finding.js';

/** A schedule that found something. */
export interface Hit {
  /** Schedule index in the exploration (seeded: seed = seedBase + index). */
  index: number;
  seed: number;
  /** Every (counted) finding of the run, in filing order. */
  findings: Finding[];
  /** The run's decision list. */
  decisions: number[];
  /** Preemptions of the run, when the search counted them (exhaustive). */
  preemptions?: number;
}

/** A distinct bug before shrinking. */
export interface RawBug {
  finding: Finding;
  /** Lowest schedule index that hit it. */
  index: number;
  seed: number;
  decisions: number[];
  /** Schedules that hit it. */
  occurrences: number;
  /** Preemptions of that schedule (-1: not counted yet). */
  preemptions: number;
}

/**
 * Distinct bugs of hits added in any order. With `stopAtFirst` only the first
 * finding of a hit counts and only the lowest-index hit survives.
 */
export class FindingMerger {
  private readonly bugs = new Map<string, RawBug>();
  /** Position of each bug's finding in its hit: orders bugs first hit by the same schedule as serial filing order. */
  private readonly slots = new Map<string, number>();
  private lowest = Number.POSITIVE_INFINITY;

  constructor(private readonly stopAtFirst: boolean) {}

  /** Merges one hit. Context: any (pure bookkeeping). */
  add(h: Hit): void {
    if (this.stopAtFirst) {
      if (h.index >= this.lowest) return;
      const f = h.findings[0];
      if (f === undefined) return;
      this.lowest = h.index;
      this.bugs.clear();
      this.bugs.set(findingKey(f), rawBug(f, h, 1));
      return;
    }
    const seen = new Set<string>();
    h.findings.forEach((f, slot) => {
      const key = findingKey(f);
      if (seen.has(key)) return;
      seen.add(key);
      this.addBug(key, rawBug(f, h, 1), slot);
    });
  }

  /** Merges an already-merged bug (from a shard result): occurrences add up, the lowest index wins. */
  addBug(key: string, b: RawBug, slot = 0): void {
    const old = this.bugs.get(key);
    if (old === undefined) {
      this.bugs.set(key, b);
      this.slots.set(key, slot);
      return;
    }
    const occurrences = old.occurrences + b.occurrences;
    if (b.index < old.index) {
      this.bugs.set(key, { ...b, occurrences });
      this.slots.set(key, slot);
    } else old.occurrences = occurrences;
  }

  /** Distinct bugs so far. */
  get size(): number {
    return this.bugs.size;
  }

  /** Index of the first hit (stopAtFirst), else +Infinity. */
  get first(): number {
    return this.lowest;
  }

  /** The bugs, lowest schedule index first (ties: filing order within that schedule). */
  bugsInOrder(): RawBug[] {
    const slot = (b: RawBug): number => this.slots.get(findingKey(b.finding)) ?? 0;
    return [...this.bugs.values()].sort((a, b) => a.index - b.index || slot(a) - slot(b));
  }
}

function rawBug(f: Finding, h: Hit, occurrences: number): RawBug {
  return {
    finding: f,
    index: h.index,
    seed: h.seed,
    decisions: h.decisions,
    occurrences,
    preemptions: h.preemptions ?? -1,
  };
}

/**
 * Merges hits (any order) into distinct bugs, lowest schedule index first.
 * Context: any. Returns: the bugs; the same for serial and parallel runs.
 */
export function mergeHits(hits: readonly Hit[], stopAtFirst: boolean): RawBug[] {
  const m = new FindingMerger(stopAtFirst);
  for (const h of hits) m.add(h);
  return m.bugsInOrder();
}
