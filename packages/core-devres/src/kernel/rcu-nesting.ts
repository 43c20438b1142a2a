/**
 * RCU read-side nesting bookkeeping per context (kernel/rcu/tree_plugin.h:
 * the `rcu_read_lock_nesting` counter, here one per task and one for atomic
 * callbacks). The grace-period side lives in `sync/rcu.ts`.
 *
 * # Invariants
 * - Only the outermost `rcuEnter` makes a reader record; only the matching
 *   outermost `rcuExit` closes it (`open = false`).
 * - A task's nesting lives on the task (it survives being switched out); a
 *   callback's lives in {@link Contexts} and never leaks into the task it
 *   interrupted.
 */
import type { Contexts, RcuReader } from './context.js';

/** Opens or nests a read-side section; returns the new reader record if outermost, else null. */
export function rcuEnter(ctx: Contexts): RcuReader | null {
  if (ctx.atomicDepth > 0) {
    if (ctx.atomicRcuDepth++ !== 0) return null;
    ctx.atomicRcuReader = { open: true };
    return ctx.atomicRcuReader;
  }
  const t = ctx.currentTask;
  if (t === null) throw new Error('rcu_read_lock() outside a task or atomic callback');
  if (t.rcuDepth++ !== 0) return null;
  t.rcuReader = { open: true };
  return t.rcuReader;
}

/**
 * Leaves a read-side section; returns true when the outermost one closed.
 * An unbalanced unlock calls `warn` and returns false.
 */
export function rcuExit(ctx: Contexts, warn: (message: string) => void): boolean {
  if (ctx.atomicDepth > 0) {
    if (ctx.atomicRcuDepth === 0) {
      warn('rcu_read_unlock() without rcu_read_lock()');
      return false;
    }
    if (--ctx.atomicRcuDepth === 0 && ctx.atomicRcuReader) {
      ctx.atomicRcuReader.open = false;
      ctx.atomicRcuReader = null;
      return true;
    }
    return false;
  }
  const t = ctx.currentTask;
  if (t === null || t.rcuDepth === 0) {
    warn('rcu_read_unlock() without rcu_read_lock()');
    return false;
  }
  if (--t.rcuDepth === 0 && t.rcuReader) {
    t.rcuReader.open = false;
    t.rcuReader = null;
    return true;
  }
  return false;
}
