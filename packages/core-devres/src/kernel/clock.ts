/**
 * The virtual clock and its wiring to the timer queue (kernel/time/: the
 * clockevents side of hrtimers, reduced to one queue per kernel).
 *
 * # Invariants
 * - `nowNs` only moves forward, and only the run loop moves it (to the next
 *   expiry or to a `runFor` limit); nothing else writes it.
 * - `busyUntil[cpu]` is the end of the atomic span the CPU is inside; an
 *   entry due on a busy CPU is re-queued at that time, except the span's own
 *   end (`spanEnd`).
 */
import { type TimerEntry, TimerQueue } from './timer-queue.js';

/** The clock of one kernel: virtual time, the timer queue, per-CPU busy spans. */
export class Clock {
  /** Current virtual time in ns. Written only by the run loop. */
  nowNs = 0;
  readonly timers = new TimerQueue();
  /** Per CPU: virtual time until which an atomic callback keeps it busy. */
  readonly busyUntil: number[];

  constructor(cpus: number) {
    this.busyUntil = new Array<number>(cpus).fill(0);
  }

  /** The earliest armed entry if it is due now, else undefined. */
  due(): TimerEntry | undefined {
    const top = this.timers.peek();
    return top !== undefined && top.expires <= this.nowNs ? top : undefined;
  }

  /** Marks `cpu` busy until `end` (never shortens a longer span). */
  occupy(cpu: number, end: number): void {
    if (end > (this.busyUntil[cpu] ?? 0)) this.busyUntil[cpu] = end;
  }

  /**
   * Dequeues a due entry and decides whether it may fire now. An entry whose
   * CPU is still inside another atomic callback is pushed to the end of that
   * span instead. Returns true when the caller should fire it.
   */
  takeDue(e: TimerEntry): boolean {
    this.timers.remove(e);
    const busy = this.busyUntil[e.cpu] ?? 0;
    if (busy > this.nowNs && !e.spanEnd) {
      // The CPU is still inside another atomic callback: this one waits.
      this.timers.add(e, busy);
      return false;
    }
    return true;
  }
}
