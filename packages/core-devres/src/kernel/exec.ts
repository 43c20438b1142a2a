/**
 * `Kernel.exec`: run one task to its end from outside the simulation (a test,
 * a benchmark, the explorer's scenario), the way a shell runs `insmod` and
 * waits for it -- not the whole world to idle. No kernel file: the closest is
 * call_usermodehelper_exec() with UMH_WAIT_PROC.
 *
 * # Invariants
 * - The returned promise settles on every path: the task's value, the task's
 *   error (or the first other uncaught task error / panic-mode report, which
 *   ends the run first), or an `Error` when the task can never finish
 *   (deadlock, idle with the task still waiting) or is still alive after the
 *   loop's `maxSteps`.
 * - Nothing runs after the task exits: other tasks stay queued or blocked and
 *   armed timers stay armed, for a later `run`/`runFor`/`exec`.
 */
import { describeBlocked } from './diagnostics.js';
import { type LoopParts, type RunResult, runUntilExit } from './run-loop.js';
import type { Task } from './task.js';

/** Armed timers named for a message: the first few labels, with expiry, and the count. */
function describeArmed(p: LoopParts): string {
  const all = p.clock.timers.snapshot();
  if (all.length === 0) return 'no timer armed';
  const shown = all.slice(0, 5).map((e) => `${e.label} @${e.expires}ns`);
  return `${all.length} timer(s) armed: ${shown.join(', ')}${all.length > shown.length ? ', ...' : ''}`;
}

function who(t: Task): string {
  return `${t.name}/${t.pid}`;
}

/** Why a run that ended without the task exiting means it never will. */
function neverFinishes(t: Task, r: RunResult): string {
  const why =
    r.reason === 'deadlock'
      ? `deadlock (${describeBlocked(r.blocked)})`
      : `it waits on ${t.waitingOn ?? '?'} and nothing is runnable or armed`;
  return `Kernel.exec: task ${who(t)} can never finish: ${why}`;
}

/**
 * Runs the kernel until `t` exits and returns its value (rethrows its error).
 * Rejects, never hangs, when `t` cannot finish. Context: outside any task.
 */
export async function execTask<T>(p: LoopParts, t: Task<T>): Promise<T> {
  const result = t.result();
  result.catch(() => undefined); // observed below; the loop rethrows a failure first
  const r = await runUntilExit(p, {
    task: t,
    exited: () => null,
    exhausted: (maxSteps) => {
      const state = t.state === 'blocked' ? `blocked on ${t.waitingOn ?? '?'}` : 'runnable';
      throw new Error(`Kernel.exec: task ${who(t)} still ${state} after ${maxSteps} steps; ${describeArmed(p)}`);
    },
  });
  if (r !== null) throw new Error(neverFinishes(t, r));
  return result;
}
