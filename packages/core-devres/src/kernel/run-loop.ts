/**
 * The run loop: alternate scheduling decisions and clock jumps until the
 * world goes idle, a time limit is reached, or the remaining tasks deadlock
 * (kernel/sched/idle.c's "nothing to run" meets kernel/time/tick-sched.c's
 * "jump to the next event", in one loop).
 *
 * # Invariants
 * - Time advances only when nothing is runnable and nothing is due: the
 *   clock then jumps straight to the next expiry (or to the limit).
 * - Each iteration runs exactly one thing: one task step or one atomic event.
 * - The first uncaught task error ends the loop and is rethrown, tagged with
 *   the task (`error.task`, `error.taskCpu`).
 * - A run never exceeds `maxSteps` iterations: exhausting them throws.
 * - A watched run (`runUntilExit`) checks the task before every iteration, so
 *   it stops at the first point after the task exits and runs nothing more.
 */

import type { Clock } from './clock.js';
import { describeBlocked } from './diagnostics.js';
import type { BlockWatch } from './hung-task.js';
import type { BlockedTask, Scheduler } from './scheduler.js';
import type { Decider } from './strategy.js';
import type { Task } from './task.js';
import type { TimerEntry } from './timer-queue.js';
import type { Tracer } from './trace.js';
import { KTIME_MAX } from './validate.js';

export interface RunResult {
  /**
   * `idle`: nothing left to do; `time-limit`: `runFor` reached its end (tasks
   * may still be blocked: see `blocked`, and `Kernel.reportBlockedTasks` at a
   * scenario's end); `deadlock`: tasks blocked forever.
   */
  reason: 'idle' | 'time-limit' | 'deadlock';
  now: number;
  steps: number;
  blocked: BlockedTask[];
}

/** The parts of a kernel the run loop drives. */
export interface LoopParts {
  readonly sched: Scheduler;
  readonly clock: Clock;
  readonly decider: Decider;
  readonly tracer: Tracer;
  readonly maxSteps: number;
  /** Wait stamps, the hung-task deadline and the end-of-run deadlock report. */
  readonly watch: BlockWatch;
}

/**
 * A task the loop watches (`Kernel.exec`): the loop stops as soon as it has
 * exited, and a step budget exhausted while it is still alive is reported
 * through `exhausted`, which names what the task waits on.
 */
export interface Watch<R> {
  readonly task: Task;
  /** Builds the loop's result once the task has exited. */
  exited(steps: number): R;
  /** Throws the error for `maxSteps` exhausted while the task is still alive. */
  exhausted(maxSteps: number): never;
}

/** Runs until idle, deadlock, or virtual time `limit` (ns; +Infinity for none). */
export function runLoop(p: LoopParts, limit: number): Promise<RunResult> {
  return loop(p, limit, null);
}

/**
 * Runs until `watch.task` exits (returning `watch.exited(...)`), or until the
 * world goes idle or deadlocks without it exiting (returning that
 * {@link RunResult}); other tasks and timers are left as they are.
 */
export function runUntilExit<R>(p: LoopParts, watch: Watch<R>): Promise<RunResult | R> {
  return loop(p, Number.POSITIVE_INFINITY, watch);
}

function exhausted(maxSteps: number): never {
  throw new Error(`Kernel.run: ${maxSteps} steps without going idle (a periodic timer or a livelock; use runFor)`);
}

async function loop<R>(p: LoopParts, limit: number, watch: Watch<R> | null): Promise<RunResult | R> {
  const { sched, clock } = p;
  if (sched.running) throw new Error('Kernel.run: already running (nested run from inside a task?)');
  sched.running = true;
  let steps = 0;
  try {
    for (;;) {
      if (watch?.task.exited) return watch.exited(steps);
      if (steps++ >= p.maxSteps) {
        if (watch !== null) watch.exhausted(p.maxSteps);
        exhausted(p.maxSteps);
      }
      const due = clock.due();
      if (sched.runq.length > 0 || due !== undefined) {
        // Inline, not a helper: an extra async frame here would cost a promise per step.
        const pick = p.decider.decide(sched.runq, due, sched.lastRan);
        if (pick < sched.runq.length) {
          // pick is in range (checked above); `as` because splice's element type widens to undefined.
          await sched.step(sched.runq.splice(pick, 1)[0] as Task);
        } else {
          // pick === runq.length only when there is a due event (Decider's contract).
          fire(p, due as TimerEntry);
        }
        rethrowOops(sched);
        continue;
      }
      const next = clock.timers.peek();
      // A timer at KTIME_MAX (a saturated "forever": docs/validation.md) never fires: the clock never
      // gets there, so a task sleeping on one is as stuck as one with no timer at all.
      if (next === undefined || next.expires >= KTIME_MAX) {
        const blocked = sched.blockedTasks();
        if (blocked.length > 0) {
          p.watch.reportIdle();
          if (p.tracer.on) p.tracer.record('deadlock', describeBlocked(blocked));
          return { reason: 'deadlock', now: clock.nowNs, steps, blocked };
        }
        if (limit !== Number.POSITIVE_INFINITY) clock.nowNs = limit;
        return { reason: 'idle', now: clock.nowNs, steps, blocked };
      }
      // khungtaskd: the clock never jumps past a hung-task deadline unscanned.
      if (p.watch.deadline <= next.expires && p.watch.deadline <= limit) {
        if (p.watch.deadline > clock.nowNs) clock.nowNs = p.watch.deadline;
        p.watch.scan();
        continue;
      }
      if (next.expires > limit) {
        clock.nowNs = limit;
        return { reason: 'time-limit', now: clock.nowNs, steps, blocked: sched.blockedTasks() };
      }
      clock.nowNs = next.expires;
    }
  } finally {
    sched.running = false;
  }
}

function fire(p: LoopParts, e: TimerEntry): void {
  if (!p.clock.takeDue(e)) return;
  p.sched.stepCount++;
  if (p.tracer.on) p.tracer.record('fire', e.label, e.cpu);
  e.fire();
}

/** Rethrows the first uncaught task error, tagged with the task that threw it. */
function rethrowOops(sched: Scheduler): void {
  if (sched.oops === null) return;
  const { task, error } = sched.oops;
  sched.oops = null;
  if (error instanceof Error && !('task' in error)) {
    Object.defineProperty(error, 'task', { value: `${task.name}/${task.pid}`, enumerable: false });
    Object.defineProperty(error, 'taskCpu', { value: task.cpu, enumerable: false });
  }
  throw error;
}
