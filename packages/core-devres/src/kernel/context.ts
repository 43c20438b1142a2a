/**
 * Execution contexts of the simulated CPUs: which task is current, and
 * whether an atomic callback (hardirq, softirq) is running on top of it
 * (include/linux/preempt.h: in_atomic(), in_interrupt()).
 *
 * # Invariants
 * - `atomicDepth > 0` iff an atomic callback is running; `atomic` then names
 *   the innermost one. `current` is null while it runs.
 * - `currentTask` is set only by the scheduler, around one task step.
 * - An RCU read-side section opened in an atomic callback is tracked here
 *   (`atomicRcuDepth`), not on the interrupted task, and must close before
 *   the outermost callback returns.
 */
import type { ContextInfo } from '../sanitizer/report.js';
import type { Task } from './task.js';

/** The atomic callback running now. */
export interface AtomicCtx {
  kind: 'hardirq' | 'softirq';
  name: string;
  cpu: number;
}

/** A reader record of one outermost RCU read-side section; `open` until it closes. */
export interface RcuReader {
  open: boolean;
}

/** Context state of one kernel. */
export class Contexts {
  /** The task whose step is running (set by the scheduler). */
  currentTask: Task | null = null;
  atomic: AtomicCtx | null = null;
  atomicDepth = 0;
  atomicRcuReader: RcuReader | null = null;
  atomicRcuDepth = 0;

  /** The running task, or null in atomic context / outside the simulation. */
  get current(): Task | null {
    return this.atomicDepth > 0 ? null : this.currentTask;
  }

  /** True in atomic context: an atomic callback, or a task holding a spinlock / in an RCU read-side section. */
  inAtomic(): boolean {
    if (this.atomicDepth > 0) return true;
    const t = this.currentTask;
    return t !== null && (t.preemptCount > 0 || t.rcuDepth > 0);
  }

  /** Describes the current context for reports and traces. */
  info(): ContextInfo {
    if (this.atomic !== null) return { kind: this.atomic.kind, name: this.atomic.name, pid: 0, cpu: this.atomic.cpu };
    const t = this.currentTask;
    if (t !== null) return { kind: 'task', name: t.name, pid: t.pid, cpu: t.cpu };
    return { kind: 'none', name: 'none', pid: 0, cpu: 0 };
  }

  /**
   * Runs `fn` as an atomic callback. When the outermost callback returns with
   * an RCU read-side section still open, the section is closed and `onRcuLeak`
   * is called (the caller warns).
   */
  runAtomic<T>(kind: 'hardirq' | 'softirq', cpu: number, name: string, fn: () => T, onRcuLeak: () => void): T {
    const prev = this.atomic;
    this.atomic = { kind, name, cpu };
    this.atomicDepth++;
    try {
      return fn();
    } finally {
      this.atomicDepth--;
      this.atomic = prev;
      if (this.atomicDepth === 0 && this.atomicRcuDepth !== 0) {
        this.atomicRcuDepth = 0;
        if (this.atomicRcuReader) this.atomicRcuReader.open = false;
        this.atomicRcuReader = null;
        onRcuLeak();
      }
    }
  }
}
