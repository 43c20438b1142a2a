/**
 * Emulates kernel/workqueue.c.
 *
 * `struct workqueue_struct`: its pwqs, `max_active`, the draining/destroying
 * state, and the flush bookkeeping.
 *
 * Flush colours: every queueing takes the next workqueue sequence number.
 * A flush started when the sequence was S waits for the items with a number
 * ≤ S that were in flight at its start (queued, inactive or executing) and
 * nothing queued later: the property the kernel's colours give.
 */
import { checkKernel, type Kernel, type Task, WaitQueue } from '@quiesce/core-devres';
import { __WQ_ORDERED, WQ_UNBOUND } from './flags.js';
import { wqMap } from './lockdep-maps.js';
import { Pwq, pools } from './pool.js';

interface Flusher {
  readonly target: number;
  remaining: number;
}

export class Workqueue {
  /** Per-CPU pwqs (index = CPU), or a single one for unbound/ordered. */
  readonly pwqs: Pwq[];
  readonly unbound: boolean;
  readonly ordered: boolean;
  /** `__WQ_DRAINING` holders. */
  nrDrainers = 0;
  /** `__WQ_DESTROYING`. */
  destroying = false;
  /** Freed by `destroyWorkqueue`. */
  destroyed = false;
  /** Items queued, inactive or executing. */
  nrInFlight = 0;
  /** Last queueing sequence number handed out. */
  seq = 0;
  private readonly flushers: Flusher[] = [];
  private readonly flushWq: WaitQueue;

  constructor(
    readonly kernel: Kernel,
    readonly name: string,
    readonly flags: number,
    /** Effective `max_active` (after the default and the clamp); `workqueueSetMaxActive` changes it. */
    public maxActive: number,
  ) {
    checkKernel('Workqueue.new', kernel, 'kernel');
    this.unbound = (flags & WQ_UNBOUND) !== 0;
    this.ordered = (flags & __WQ_ORDERED) !== 0;
    const reg = pools(kernel);
    this.pwqs = this.unbound ? [new Pwq(this, reg.unbound)] : reg.cpuPools.map((p) => new Pwq(this, p));
    this.flushWq = new WaitQueue(kernel, `flush_workqueue ${name}`);
  }

  /** True while queueing from outside is refused (`__WQ_DRAINING | __WQ_DESTROYING`). */
  get closed(): boolean {
    return this.nrDrainers > 0 || this.destroying;
  }

  /** The pwq for a queueing on `cpu` (ignored when unbound). */
  pwqFor(cpu: number): Pwq {
    return (this.unbound ? this.pwqs[0] : this.pwqs[cpu % this.pwqs.length]) as Pwq;
  }

  /** @internal an item with sequence `seq` entered flight. */
  inFlightAdd(): number {
    this.nrInFlight++;
    return ++this.seq;
  }

  /** @internal an item with sequence `seq` left flight (ran or was cancelled). */
  inFlightDone(seq: number): void {
    this.nrInFlight--;
    if (this.flushers.length === 0) return;
    let woke = false;
    for (const f of this.flushers) {
      if (seq <= f.target && --f.remaining === 0) woke = true;
    }
    if (woke) this.flushWq.wakeUp();
  }

  /** Tasks (kworkers) executing a work of this queue now: what a flush waits for. */
  private executingTasks(): Task[] {
    const ts: Task[] = [];
    for (const pool of new Set(this.pwqs.map((p) => p.pool))) {
      for (const w of pool.workers) if (w.current !== null && w.current.pwq.wq === this) ts.push(w.task);
    }
    return ts;
  }

  /** @internal waits for everything in flight now (see the file comment). Context: may sleep. */
  async flushInFlight(): Promise<void> {
    const ld = this.kernel.lockdep;
    if (ld !== null) ld.touch(wqMap(ld, this.name), `flush_workqueue ${this.name}`);
    if (this.nrInFlight === 0) {
      await this.kernel.yield();
      return;
    }
    const f: Flusher = { target: this.seq, remaining: this.nrInFlight };
    this.flushers.push(f);
    try {
      const waitFor = { resource: `flush_workqueue ${this.name}`, holders: () => this.executingTasks() };
      await this.flushWq.waitEvent(() => f.remaining === 0, `flush_workqueue ${this.name}`, waitFor);
    } finally {
      this.flushers.splice(this.flushers.indexOf(f), 1);
    }
  }
}
