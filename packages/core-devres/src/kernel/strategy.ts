/**
 * Scheduling decisions: at every point where more than one thing could run
 * next, pick one by the kernel's strategy (fifo, seeded random, PCT), a
 * replayed decision list, or an explorer's chooser, and record the pick.
 * There is no kernel file for this: it stands in for the nondeterminism of
 * real hardware (kernel/sched/core.c picks by priority; we pick by strategy).
 *
 * # Invariants
 * - Only points with two or more candidates are recorded; `decisions[i]` is
 *   an index into that point's canonical candidate order (runnable tasks in
 *   queue order, then the due atomic event), `widths[i]` its candidate count.
 * - The one `Rng` is shared with task creation (PCT priorities) and drawn in
 *   a fixed order, so a seed names one run.
 * - Replaying `decisions` from the same start reproduces the run; a replayed
 *   pick out of range throws (the run diverged).
 */
import { Rng } from './rng.js';
import type { Task } from './task.js';
import type { TimerEntry } from './timer-queue.js';

export type Strategy = 'fifo' | 'random' | 'pct';

/** One candidate at a scheduling decision. */
export type Candidate = { kind: 'task'; pid: number; name: string } | { kind: 'atomic'; label: string; cpu: number };

/** What a custom chooser sees at a decision point. */
export interface ChoicePoint {
  /** Candidates in canonical order: runnable tasks (queue order), then the due atomic event. */
  candidates: readonly Candidate[];
  /** Index of this decision in the run's decision list. */
  index: number;
  /** pid of the task that ran last, if it is still runnable (picking another is a preemption). */
  continuing: number | null;
}

/** The strategy settings a {@link Decider} needs. */
export interface DeciderOptions {
  seed: number;
  strategy: Strategy;
  pctDepth: number;
  pctSteps: number;
  replay: readonly number[];
  chooser: ((p: ChoicePoint) => number) | undefined;
}

/** Makes and records the scheduling decisions of one kernel. */
export class Decider {
  readonly decisions: number[] = [];
  readonly widths: number[] = [];
  readonly strategy: Strategy;
  private readonly rng: Rng;
  private readonly replay: readonly number[];
  private readonly chooser: ((p: ChoicePoint) => number) | undefined;
  private readonly pctDepth: number;
  private readonly pctChangePoints = new Map<number, number>();

  constructor(o: DeciderOptions) {
    this.strategy = o.strategy;
    this.rng = new Rng(o.seed);
    this.replay = o.replay;
    this.chooser = o.chooser;
    this.pctDepth = o.pctDepth;
    for (let i = 1; i < this.pctDepth; i++) this.pctChangePoints.set(1 + this.rng.below(o.pctSteps), i);
  }

  /** The PCT priority of a new task: above every change-point priority, random among tasks. */
  newPriority(): number {
    return this.pctDepth + this.rng.float();
  }

  /**
   * Picks among `runq` (indices 0..n-1) and `due` (index n when present).
   * `lastRan` is the task that ran last (PCT demotes it at change points).
   */
  decide(runq: readonly Task[], due: TimerEntry | undefined, lastRan: Task | null): number {
    const nTasks = runq.length;
    const n = nTasks + (due ? 1 : 0);
    if (n === 1) return 0;
    const index = this.decisions.length;
    let pick: number;
    if (index < this.replay.length) {
      // In range by the check below; `as` because noUncheckedIndexedAccess widens to undefined.
      pick = this.replay[index] as number;
      if (!(pick >= 0 && pick < n)) {
        throw new Error(`replay diverged at decision ${index}: choice ${pick} of ${n} candidates`);
      }
    } else if (this.chooser !== undefined) {
      pick = this.chooser({ candidates: candidates(runq, due), index, continuing: continuing(runq, lastRan) });
    } else if (this.replay.length > 0 || this.strategy === 'fifo') {
      pick = due ? nTasks : 0;
    } else if (this.strategy === 'random') {
      pick = this.rng.below(n);
    } else {
      pick = this.pctPick(runq, due, lastRan);
    }
    this.decisions.push(pick);
    this.widths.push(n);
    return pick;
  }

  private pctPick(runq: readonly Task[], due: TimerEntry | undefined, lastRan: Task | null): number {
    const change = this.pctChangePoints.get(this.decisions.length + 1);
    if (change !== undefined && lastRan !== null) lastRan.priority = change;
    let best = 0;
    for (let i = 1; i < runq.length; i++) {
      // i and best are below runq.length; `as` because indexed access widens to undefined.
      if ((runq[i] as Task).priority > (runq[best] as Task).priority) best = i;
    }
    // An interrupt is taken at once unless the coin says this CPU had them off.
    if (due && (runq.length === 0 || this.rng.below(4) !== 0)) return runq.length;
    return best;
  }
}

function continuing(runq: readonly Task[], lastRan: Task | null): number | null {
  return lastRan !== null && lastRan.state === 'runnable' && runq.includes(lastRan) ? lastRan.pid : null;
}

function candidates(runq: readonly Task[], due: TimerEntry | undefined): Candidate[] {
  const c: Candidate[] = runq.map((t) => ({ kind: 'task' as const, pid: t.pid, name: t.name }));
  if (due) c.push({ kind: 'atomic', label: due.label, cpu: due.cpu });
  return c;
}
