/**
 * The event trace of one kernel (a much reduced kernel/trace/: one in-memory
 * ring of lifecycle events, each stamped with virtual time, CPU and context).
 *
 * # Invariants
 * - Events are in the order they happened; `dropped` counts events removed
 *   from the front, so `dropped + log.length` is the number ever recorded.
 * - The log holds at most `2 * limit` events; trimming happens in bulk so the
 *   cost per event stays amortised O(1).
 */
import type { Clock } from './clock.js';
import type { Contexts } from './context.js';

/** One line of the trace. */
export interface TraceEvent {
  /** Virtual time (ns). */
  t: number;
  cpu: number;
  /** Who: `task user/3`, `hardirq edu`, `kernel`. */
  ctx: string;
  ev: string;
  detail: string;
}

/** The trace buffer. */
export class Tracer {
  readonly log: TraceEvent[] = [];
  /** Events dropped from the front of `log`. */
  dropped = 0;

  constructor(
    readonly on: boolean,
    private readonly limit: number,
    private readonly clock: Clock,
    private readonly ctx: Contexts,
  ) {}

  /** Appends an event stamped with the current time and context (no-op when off). */
  record(ev: string, detail: string, cpu?: number): void {
    if (!this.on) return;
    const c = this.ctx.info();
    const who = c.kind === 'task' ? `task ${c.name}/${c.pid}` : c.kind === 'none' ? 'kernel' : `${c.kind} ${c.name}`;
    this.log.push({ t: this.clock.nowNs, cpu: cpu ?? c.cpu, ctx: who, ev, detail });
    if (this.log.length > 2 * this.limit) {
      // Drop in bulk so the cost stays amortised O(1) per event.
      const drop = this.log.length - this.limit;
      this.log.splice(0, drop);
      this.dropped += drop;
    }
  }
}
