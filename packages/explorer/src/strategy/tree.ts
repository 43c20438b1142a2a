/**
 * Bounded exhaustive search over the decision tree, CHESS-style: every
 * schedule with at most `bound` preemptions is run exactly once.
 *
 * The kernel is deterministic, so a prefix of decisions identifies a node of
 * the tree. Each run replays a prefix and then takes the non-preempting
 * choice (the continuing task; else the kernel's fifo choice) at every later
 * decision, so beyond the prefix it costs no preemptions. After a run, the
 * search backtracks to the deepest decision that still has an untried
 * alternative within the bound and runs that prefix next: a stateless
 * depth-first search (as in CHESS and loom), no state is stored.
 *
 * A preemption is a decision that passes over the task that ran last while it
 * is still runnable (including letting a due timer or IRQ in ahead of it).
 * Sharding is in shard.ts.
 */
import type { Finding } from '../finding.js';
import { countPreemptions, type PointInfo, runSchedule, scriptedChooser } from '../run.js';
import type { Scenario } from '../scenario.js';
import { NO_SHARD, SHARD_DEPTH, type Shard, subtreeOwner } from '../shard.js';

/** One run of the search. */
export interface TreeRun {
  /** Index of the run among the runs this shard counts (0-based). */
  index: number;
  findings: Finding[];
  decisions: number[];
  preemptions: number;
  /** The schedule ran to completion (see `RunOutcome.complete`). */
  complete: boolean;
}

/** Options of {@link searchTree}. */
export interface TreeOptions {
  /** Preemption bound k. */
  bound: number;
  seed: number;
  maxSteps?: number;
  /** The part of the tree to search (default all of it). */
  shard?: Shard;
  /** Stop when this returns true (schedule or time budget, first finding). */
  stop: (runs: number, last: TreeRun) => boolean;
}

/** Order in which the children of a node are tried: the non-preempting choice first, then by index. */
function childOrder(p: PointInfo): number[] {
  const first = p.cont >= 0 ? p.cont : p.fifo;
  const order = [first];
  for (let i = 0; i < p.width; i++) if (i !== first) order.push(i);
  return order;
}

/** Preemptions a choice at `p` costs. */
function cost(p: PointInfo, c: number): number {
  return p.cont >= 0 && c !== p.cont ? 1 : 0;
}

/**
 * The next prefix to run after a run that logged `log`, or null when the tree
 * is exhausted within `bound`. Context: any (pure).
 */
export function nextPrefix(log: readonly PointInfo[], bound: number): number[] | null {
  const before: number[] = [0];
  for (let i = 0; i < log.length; i++) {
    const p = log[i] as PointInfo;
    before.push((before[i] as number) + cost(p, p.pick));
  }
  for (let i = log.length - 1; i >= 0; i--) {
    const p = log[i] as PointInfo;
    const order = childOrder(p);
    for (let j = order.indexOf(p.pick) + 1; j < order.length; j++) {
      const c = order[j] as number;
      if ((before[i] as number) + cost(p, c) <= bound) {
        return [...log.slice(0, i).map((q) => q.pick), c];
      }
    }
  }
  return null;
}

/**
 * Runs the bounded search (of one shard). Context: outside the simulation.
 * Returns: the number of runs counted and whether the tree (the shard's part
 * of it) was exhausted. `ran` also counts the shared runs above the shard cut.
 * `incomplete` counts the shard's runs that did not complete (a task left
 * blocked, an oops, a hang): the bound is proved only when there are none.
 */
export async function searchTree(
  scenario: Scenario,
  opts: TreeOptions,
  onRun: (r: TreeRun) => void,
): Promise<{ runs: number; ran: number; exhausted: boolean; incomplete: number }> {
  const shard = opts.shard ?? NO_SHARD;
  let prefix: number[] | null = [];
  let log: PointInfo[] = [];
  let runs = 0;
  let ran = 0;
  let incomplete = 0;
  while (prefix !== null) {
    // A run branching below the cut lies in a subtree whose owner its prefix
    // names: another shard's subtree is skipped whole, by backtracking from
    // the branch point of the previous run's log (same node, same candidates).
    if (prefix.length > SHARD_DEPTH && subtreeOwner(prefix.slice(0, SHARD_DEPTH), shard.count) !== shard.index) {
      const at = prefix.length - 1;
      const virtual = [...log.slice(0, at), { ...(log[at] as PointInfo), pick: prefix[at] as number }];
      prefix = nextPrefix(virtual, opts.bound);
      log = virtual;
      continue;
    }
    log = [];
    const out = await runSchedule(scenario, {
      strategy: 'fifo',
      seed: opts.seed,
      stacks: false,
      recycle: true,
      chooser: scriptedChooser(prefix, 'continue', log),
      ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
    });
    ran++;
    const next = nextPrefix(log, opts.bound);
    if (subtreeOwner(out.decisions.slice(0, SHARD_DEPTH), shard.count) === shard.index) {
      const run: TreeRun = {
        index: runs++,
        findings: out.findings,
        decisions: out.decisions,
        preemptions: countPreemptions(log),
        complete: out.complete,
      };
      if (!out.complete) incomplete++;
      onRun(run);
      if (next !== null && opts.stop(runs, run)) return { runs, ran, exhausted: false, incomplete };
    }
    prefix = next;
  }
  return { runs, ran, exhausted: true, incomplete };
}
