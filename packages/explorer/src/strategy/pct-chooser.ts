/**
 * PCT, the probabilistic concurrency testing scheduler of Burckhardt,
 * Kothari, Musuvathi and Nagarakatte (ASPLOS 2010), as an explorer chooser.
 *
 * The guarantee: for a program with at most n threads and k steps, one run
 * finds a bug of depth d (d ordering constraints) with probability at least
 * 1/(n·k^(d−1)). It holds when the scheduler
 * - gives the threads a uniformly random priority order, all above d,
 * - draws d−1 change points uniformly over the steps [1, k], and
 * - at the i-th change point lowers the priority of the thread about to run
 *   to d−i (below every initial priority), and always runs the
 *   highest-priority enabled thread.
 *
 * Here a step is a scheduling decision (a point with more than one
 * candidate: the kernel runs a lone candidate without asking), and the
 * "threads" are the tasks and the atomic events: a due timer or IRQ is a
 * schedulable event with its own priority (keyed by its label), not
 * something fired at once. The kernel's built-in `pct` strategy (kept for
 * the legacy path) fired a due event three times in four, which closed
 * exactly the windows teardown races need (a timer or IRQ delayed past
 * hrtimer_cancel or free_irq).
 */
import { type ChoicePoint, Rng } from '@quiesce/core-devres';

/** The parameters of one PCT run. */
export interface PctParams {
  /** Seed of the run. */
  seed: number;
  /** Bug depth d ≥ 1 (d − 1 change points). */
  depth: number;
  /** k: the expected number of steps (decisions) of a run. */
  steps: number;
}

/** The identity of a candidate across decisions: `t<pid>` for a task, `a<label>` for an atomic event. */
function who(c: ChoicePoint['candidates'][number]): string {
  return c.kind === 'task' ? `t${c.pid}` : `a${c.label}`;
}

/**
 * A chooser running PCT with `params`. Context: outside the simulation (the
 * kernel calls it at each decision). Returns: the chooser; it draws only from
 * its own generator, so a seed fixes the run.
 */
export function pctChooser(params: PctParams): (p: ChoicePoint) => number {
  const rng = new Rng(params.seed ^ 0x5bd1e995);
  const d = params.depth;
  const k = Math.max(1, params.steps);
  /** Step number (1-based) → change point i (1..d−1). */
  const changes = new Map<number, number>();
  for (let i = 1; i < d; i++) changes.set(1 + rng.below(k), i);
  const prio = new Map<string, number>();
  let step = 0;
  const highest = (p: ChoicePoint): number => {
    let best = 0;
    let bestPrio = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < p.candidates.length; i++) {
      const id = who(p.candidates[i] as ChoicePoint['candidates'][number]);
      let v = prio.get(id);
      if (v === undefined) {
        // A newcomer lands at a uniformly random place among the initial
        // priorities (d, d+1): independent uniform draws give every order
        // of the threads the same probability.
        v = d + rng.float();
        prio.set(id, v);
      }
      if (v > bestPrio) {
        bestPrio = v;
        best = i;
      }
    }
    return best;
  };
  return (p) => {
    step++;
    const best = highest(p);
    const change = changes.get(step);
    if (change === undefined) return best;
    // Change point i: the thread about to run drops to d − i, then the
    // highest-priority candidate runs (another one, when there is one).
    prio.set(who(p.candidates[best] as ChoicePoint['candidates'][number]), d - change);
    return highest(p);
  };
}
