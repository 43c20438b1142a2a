/**
 * The simulated kernel: virtual CPUs, a virtual clock with its timer queue, a
 * deterministic scheduler of tasks, atomic contexts, the sanitizer and the
 * trace. One `Kernel` is the whole world of one run (DESIGN.md §3).
 *
 * Execution model:
 * - Process context is a {@link Task} (an async function). One task runs at a
 *   time; it is switched out only at a kernel await (every sleeping primitive
 *   is a scheduling point).
 * - Atomic context is a synchronous callback (timer, IRQ) run to completion
 *   between task steps, on a virtual CPU. A callback may keep its CPU busy for
 *   a span of virtual time ({@link Kernel.occupyCpu}), which is how another
 *   CPU sees it "running".
 * - Time advances only when nothing is runnable and nothing is due: the clock
 *   jumps to the next expiry.
 * - At each point where more than one thing could run next, the strategy
 *   (fifo, seeded random, PCT, a replayed decision list, or an explorer's
 *   chooser) picks one, and the pick is recorded; replaying the recorded
 *   decisions reproduces the run exactly.
 */
import { type ContextInfo, formatReport, type SanitizerReport } from '../sanitizer/report.js';
import { captureStack, Sanitizer, type SanitizerMode } from '../sanitizer/sanitizer.js';
import { Rng } from './rng.js';
import { Task } from './task.js';
import { type TimerEntry, TimerQueue, timerEntry } from './timer-queue.js';

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

export interface KernelOptions {
  /** Virtual CPUs (default 2). */
  cpus?: number;
  /** Seed for `random` and `pct` (default 1). */
  seed?: number;
  /** Scheduling strategy (default `fifo`). */
  strategy?: Strategy;
  /** PCT bug depth d (default 3): d-1 priority change points. */
  pctDepth?: number;
  /** PCT's estimate of the number of steps in a run (default 1000). */
  pctSteps?: number;
  /** Sanitizer mode (default `report`). */
  sanitizer?: SanitizerMode;
  /** Decisions to replay; when exhausted, scheduling falls back to `fifo`. */
  replay?: readonly number[];
  /** A chooser that overrides the strategy (used by the explorer). */
  chooser?: (p: ChoicePoint) => number;
  /** Record the event trace (default true; benchmarks turn it off). */
  trace?: boolean;
  /** Trace events kept (default 10^6): older ones are dropped so a livelock cannot exhaust memory. */
  traceLimit?: number;
  /** Scheduler steps one `run()`/`runFor()` may take before it gives up (default 10^7). */
  maxSteps?: number;
  /** Virtual duration of an RCU grace period in ns (default 1 ms). */
  rcuGracePeriodNs?: number;
}

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

/** A task blocked when the run went idle. */
export interface BlockedTask {
  pid: number;
  name: string;
  waitingOn: string;
}

export interface RunResult {
  /** `idle`: nothing left to do; `time-limit`: `runFor` reached its end; `deadlock`: tasks blocked forever. */
  reason: 'idle' | 'time-limit' | 'deadlock';
  now: number;
  steps: number;
  blocked: BlockedTask[];
}

interface AtomicCtx {
  kind: 'hardirq' | 'softirq';
  name: string;
  cpu: number;
}

/** The simulated kernel. */
export class Kernel {
  readonly cpus: number;
  readonly seed: number;
  readonly strategy: Strategy;
  readonly sanitizer: Sanitizer;
  readonly rcuGracePeriodNs: number;
  /** Decisions taken at points with more than one candidate, in order. */
  readonly decisions: number[] = [];
  /** Number of candidates at each recorded decision (for exhaustive search). */
  readonly decisionWidths: number[] = [];
  readonly traceLog: TraceEvent[] = [];
  /** Trace events dropped from the front of `traceLog` (see `traceLimit`). */
  traceDropped = 0;
  private readonly traceLimit: number;
  /** The kernel is tainted (forced module unload, as TAINT_FORCED_RMMOD). */
  tainted = false;

  private nowNs = 0;
  private readonly timers = new TimerQueue();
  private readonly runq: Task[] = [];
  /** Tasks that have not exited (exited ones are dropped so long runs do not grow). */
  private readonly tasks = new Set<Task>();
  private nextPid = 1;
  private nextCpu = 0;
  private currentTask: Task | null = null;
  private atomic: AtomicCtx | null = null;
  private atomicDepth = 0;
  private atomicRcuReader: { open: boolean } | null = null;
  private atomicRcuDepth = 0;
  private readonly busyUntil: number[];
  private stepDone: (() => void) | null = null;
  private lastRan: Task | null = null;
  private oops: { task: Task; error: unknown } | null = null;
  private running = false;
  private readonly rng: Rng;
  private readonly replay: readonly number[];
  private readonly chooser: ((p: ChoicePoint) => number) | undefined;
  private readonly tracingOn: boolean;
  private readonly maxSteps: number;
  private readonly pctDepth: number;
  private readonly pctChangePoints: Map<number, number> = new Map();
  private stepCount = 0;
  private readonly subsystems = new Map<symbol, unknown>();
  private failAllocs = 0;

  constructor(opts: KernelOptions = {}) {
    this.cpus = opts.cpus ?? 2;
    if (!Number.isInteger(this.cpus) || this.cpus < 1) throw new RangeError('Kernel: cpus must be an integer ≥ 1');
    this.seed = opts.seed ?? 1;
    this.strategy = opts.strategy ?? 'fifo';
    this.rng = new Rng(this.seed);
    this.replay = opts.replay ?? [];
    this.chooser = opts.chooser;
    this.tracingOn = opts.trace ?? true;
    this.traceLimit = opts.traceLimit ?? 1_000_000;
    this.maxSteps = opts.maxSteps ?? 10_000_000;
    this.rcuGracePeriodNs = opts.rcuGracePeriodNs ?? 1_000_000;
    this.busyUntil = new Array<number>(this.cpus).fill(0);
    this.pctDepth = opts.pctDepth ?? 3;
    const pctSteps = opts.pctSteps ?? 1000;
    for (let i = 1; i < this.pctDepth; i++) this.pctChangePoints.set(1 + this.rng.below(pctSteps), i);
    this.sanitizer = new Sanitizer(opts.sanitizer ?? 'report', () => ({
      context: this.contextInfo(),
      time: this.nowNs,
    }));
  }

  // ---------------------------------------------------------------- clock

  /** Current virtual time in ns (`ktime_get()`). Context: any. */
  get now(): number {
    return this.nowNs;
  }

  /**
   * Arms `entry` on the clock's timer queue at absolute time `expires` (ns),
   * moving it if already armed. O(log n). Context: any.
   */
  armTimer(entry: TimerEntry, expires: number): void {
    this.timers.add(entry, expires);
  }

  /** Disarms `entry`. Returns true if it was armed. O(log n). Context: any. */
  cancelTimer(entry: TimerEntry): boolean {
    return this.timers.remove(entry);
  }

  /** True when trace events are recorded (subsystems skip building trace strings otherwise). */
  get tracing(): boolean {
    return this.tracingOn;
  }

  /** Scheduler steps taken since the kernel was made (task steps and atomic events). */
  get totalSteps(): number {
    return this.stepCount;
  }

  /** Number of armed timer entries (all subsystems). */
  get armedTimers(): number {
    return this.timers.size;
  }

  /**
   * Queues an atomic event to run "now" on `cpu` (an IRQ being raised, a
   * device completing). It becomes a candidate at the next decision point;
   * `fn` then runs in hardirq context on `cpu`. Context: any.
   */
  raise(label: string, cpu: number, fn: () => void): TimerEntry {
    const e = timerEntry(label, cpu, () => this.runAtomic('hardirq', cpu, label, fn));
    this.timers.add(e, this.nowNs);
    return e;
  }

  /**
   * Marks `cpu` busy for `spanNs` of virtual time (an atomic callback that
   * takes a while, as seen from other CPUs), then calls `onEnd` in atomic
   * context on that CPU. Other atomic events for that CPU wait for the end.
   * Context: atomic (call from the callback).
   */
  occupyCpu(cpu: number, spanNs: number, label: string, onEnd: () => void): void {
    const end = this.nowNs + spanNs;
    if (end > (this.busyUntil[cpu] ?? 0)) this.busyUntil[cpu] = end;
    const e = timerEntry(`${label} (end)`, cpu, () => this.runAtomic('hardirq', cpu, label, onEnd));
    e.spanEnd = true;
    this.timers.add(e, end);
  }

  // ---------------------------------------------------------------- contexts

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

  /** True while an atomic callback (timer, IRQ) runs. */
  inInterrupt(): boolean {
    return this.atomicDepth > 0;
  }

  /** Describes the current context for reports and traces. */
  contextInfo(): ContextInfo {
    if (this.atomic !== null) return { kind: this.atomic.kind, name: this.atomic.name, pid: 0, cpu: this.atomic.cpu };
    const t = this.currentTask;
    if (t !== null) return { kind: 'task', name: t.name, pid: t.pid, cpu: t.cpu };
    return { kind: 'none', name: 'none', pid: 0, cpu: 0 };
  }

  /**
   * Runs `fn` in atomic context on `cpu` (a timer callback, an IRQ handler).
   * Sleeping primitives called inside report `sleep-in-atomic`.
   */
  runAtomic<T>(kind: 'hardirq' | 'softirq', cpu: number, name: string, fn: () => T): T {
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
        this.warn(`${name}`, 'rcu_read_lock() held at the end of an atomic callback');
      }
    }
  }

  /**
   * `might_sleep()`: true when the caller may sleep. In atomic context files a
   * `sleep-in-atomic` report ("BUG: sleeping function called from invalid
   * context") and returns false; the primitive then does not sleep.
   * Outside any task throws: sleeping code must run in `kernel.spawn`.
   */
  mightSleep(what: string): boolean {
    if (this.inAtomic()) {
      const ctx = this.contextInfo();
      this.sanitizer.report({
        kind: 'sleep-in-atomic',
        title: `BUG: sleeping function called from invalid context at ${what}`,
        resource: what,
        detail: `in_atomic(): 1, irqs_disabled(): ${this.atomicDepth > 0 ? 1 : 0}, non_block: 0, pid: ${ctx.pid}, name: ${ctx.name}`,
        stacks: this.stack(),
      });
      return false;
    }
    if (this.currentTask === null) {
      throw new Error(`${what}: sleeping call outside a kernel task (wrap it in kernel.spawn or kernel.exec)`);
    }
    return true;
  }

  /** Call trace for a report, or nothing when the sanitizer is off. */
  stack(): { access?: string } {
    const s = captureStack(this.sanitizer.mode, 3);
    return s === undefined ? {} : { access: s };
  }

  /** A kernel `WARN()`: a `warn` report with the kernel's message; execution goes on. */
  warn(resource: string, message: string): void {
    this.sanitizer.report({
      kind: 'warn',
      title: `WARNING: ${message}`,
      resource,
      detail: message,
      stacks: this.stack(),
    });
    this.trace('warn', message);
  }

  // ---------------------------------------------------------------- tasks

  /**
   * Creates a task running `fn` in process context. It starts at a later
   * scheduling decision (inside `run()`). `cpu` defaults to round-robin.
   */
  spawn<T>(name: string, fn: () => Promise<T> | T, cpu?: number): Task<T> {
    const c = cpu ?? this.nextCpu++ % this.cpus;
    const t = new Task<T>(this.nextPid++, name, c);
    t.priority = this.pctDepth + this.rng.float();
    t.resume = () => {
      void this.body(t, fn);
    };
    this.tasks.add(t as Task);
    this.runq.push(t as Task);
    this.trace('spawn', `${name}/${t.pid}`);
    return t;
  }

  /** Spawns `fn`, runs the kernel until idle, and returns the task's result (rethrows its error). */
  async exec<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const t = this.spawn(name, fn);
    const p = t.result();
    p.catch(() => undefined); // observed below; run() rethrows it first
    await this.run();
    return p;
  }

  /** Tasks that have not exited yet. */
  get allTasks(): readonly Task[] {
    return [...this.tasks];
  }

  private async body<T>(t: Task<T>, fn: () => Promise<T> | T): Promise<void> {
    try {
      t.value = await fn();
      t.state = 'done';
    } catch (e) {
      t.error = e;
      t.state = 'failed';
      if (this.oops === null) this.oops = { task: t as Task, error: e };
    }
    this.tasks.delete(t as Task);
    this.trace('exit', `${t.name}/${t.pid} ${t.state}`);
    for (const j of t.joiners.splice(0)) this.wake(j);
    t.finish();
    this.park();
  }

  /**
   * Parks the current task as blocked on `reason` until {@link Kernel.wake}.
   * The building block of every sleeping primitive; callers loop on their
   * condition (there are no lost wake-ups: the check and the park happen in
   * one synchronous step). Context: task.
   */
  block(reason: string): Promise<void> {
    const t = this.currentTask;
    if (t === null || this.atomicDepth > 0) throw new Error(`block(${reason}) outside a task`);
    t.state = 'blocked';
    t.waitingOn = reason;
    return this.parkWith(t);
  }

  /**
   * Parks the current task as an idle daemon (a kworker waiting for work):
   * like {@link Kernel.block}, but a run where only idle tasks are blocked
   * ends `idle`, not `deadlock`. Context: task.
   */
  idleWait(reason: string): Promise<void> {
    const t = this.currentTask;
    if (t === null || this.atomicDepth > 0) throw new Error(`idleWait(${reason}) outside a task`);
    t.idle = true;
    t.state = 'blocked';
    t.waitingOn = reason;
    return this.parkWith(t);
  }

  /** `cond_resched()`: a scheduling point without blocking. Context: task. */
  yield(): Promise<void> {
    const t = this.currentTask;
    if (t === null || this.atomicDepth > 0) throw new Error('yield() outside a task');
    this.runq.push(t);
    return this.parkWith(t);
  }

  /** Makes a blocked task runnable. No effect on a task that is not blocked. Context: any. */
  wake(t: Task): void {
    if (t.state !== 'blocked') return;
    t.state = 'runnable';
    t.idle = false;
    t.waitingOn = null;
    this.runq.push(t);
  }

  /** Waits (as a scheduling point) for `t` to exit and returns its result. Context: task. */
  async join<T>(t: Task<T>): Promise<T> {
    const me = this.currentTask;
    if (me === null) return t.result();
    while (!t.exited) {
      t.joiners.push(me);
      await this.block(`join ${t.name}/${t.pid}`);
    }
    if (t.state === 'failed') throw t.error;
    return t.value as T;
  }

  private parkWith(t: Task): Promise<void> {
    return new Promise<void>((res) => {
      t.resume = res;
      this.park();
    });
  }

  private park(): void {
    const d = this.stepDone;
    this.stepDone = null;
    if (d !== null) d();
  }

  // ---------------------------------------------------------------- running

  /**
   * Runs until nothing is runnable and no timer is armed, jumping the clock
   * from expiry to expiry. Returns `deadlock` (and files a report) when tasks
   * remain blocked with nothing left that could wake them. Throws the first
   * uncaught task error, and on exhausting `maxSteps` (a periodic timer never
   * lets the world go idle: use {@link Kernel.runFor}).
   */
  run(): Promise<RunResult> {
    return this.loop(Number.POSITIVE_INFINITY);
  }

  /** Runs for `ns` of virtual time; the clock ends at `now + ns`. */
  runFor(ns: number): Promise<RunResult> {
    if (!(ns >= 0)) throw new RangeError('runFor: ns must be ≥ 0');
    return this.loop(this.nowNs + ns);
  }

  /** Advances the clock by `ns`, running everything that falls due on the way (same as {@link Kernel.runFor}). */
  advance(ns: number): Promise<RunResult> {
    return this.runFor(ns);
  }

  private async loop(limit: number): Promise<RunResult> {
    if (this.running) throw new Error('Kernel.run: already running (nested run from inside a task?)');
    this.running = true;
    let steps = 0;
    try {
      for (;;) {
        if (steps++ >= this.maxSteps) {
          throw new Error(
            `Kernel.run: ${this.maxSteps} steps without going idle (a periodic timer or a livelock; use runFor)`,
          );
        }
        const top = this.timers.peek();
        const due = top !== undefined && top.expires <= this.nowNs ? top : undefined;
        const n = this.runq.length + (due ? 1 : 0);
        if (n > 0) {
          const pick = this.decide(due);
          if (pick < this.runq.length) {
            const t = this.runq.splice(pick, 1)[0] as Task;
            await this.step(t);
          } else {
            this.fire(due as TimerEntry);
          }
          if (this.oops !== null) {
            const { task, error } = this.oops;
            this.oops = null;
            if (error instanceof Error && !('task' in error)) {
              Object.defineProperty(error, 'task', { value: `${task.name}/${task.pid}`, enumerable: false });
              Object.defineProperty(error, 'taskCpu', { value: task.cpu, enumerable: false });
            }
            throw error;
          }
          continue;
        }
        const next = this.timers.peek();
        if (next === undefined) {
          const blocked = this.blockedTasks();
          if (blocked.length > 0) {
            this.reportDeadlock(blocked);
            return { reason: 'deadlock', now: this.nowNs, steps, blocked };
          }
          if (limit !== Number.POSITIVE_INFINITY) this.nowNs = limit;
          return { reason: 'idle', now: this.nowNs, steps, blocked };
        }
        if (next.expires > limit) {
          this.nowNs = limit;
          return { reason: 'time-limit', now: this.nowNs, steps, blocked: this.blockedTasks() };
        }
        this.nowNs = next.expires;
      }
    } finally {
      this.running = false;
    }
  }

  private async step(t: Task): Promise<void> {
    const resume = t.resume;
    if (resume === null) throw new Error(`task ${t.name}/${t.pid} has no continuation`);
    t.resume = null;
    t.state = 'runnable';
    this.currentTask = t;
    this.lastRan = t;
    this.stepCount++;
    if (this.tracingOn) this.trace('run', '');
    const done = new Promise<void>((res) => {
      this.stepDone = res;
    });
    resume();
    await done;
    this.currentTask = null;
  }

  private fire(e: TimerEntry): void {
    this.timers.remove(e);
    const busy = this.busyUntil[e.cpu] ?? 0;
    if (busy > this.nowNs && !e.spanEnd) {
      // The CPU is still inside another atomic callback: this one waits.
      this.timers.add(e, busy);
      return;
    }
    this.stepCount++;
    if (this.tracingOn) this.trace('fire', e.label, e.cpu);
    e.fire();
  }

  private decide(due: TimerEntry | undefined): number {
    const nTasks = this.runq.length;
    const n = nTasks + (due ? 1 : 0);
    if (n === 1) return 0;
    const index = this.decisions.length;
    let pick: number;
    if (index < this.replay.length) {
      pick = this.replay[index] as number;
      if (!(pick >= 0 && pick < n)) {
        throw new Error(`replay diverged at decision ${index}: choice ${pick} of ${n} candidates`);
      }
    } else if (this.chooser !== undefined) {
      pick = this.chooser({ candidates: this.candidates(due), index, continuing: this.continuing() });
    } else if (this.replay.length > 0 || this.strategy === 'fifo') {
      pick = due ? nTasks : 0;
    } else if (this.strategy === 'random') {
      pick = this.rng.below(n);
    } else {
      pick = this.pctPick(due);
    }
    this.decisions.push(pick);
    this.decisionWidths.push(n);
    return pick;
  }

  private pctPick(due: TimerEntry | undefined): number {
    const change = this.pctChangePoints.get(this.decisions.length + 1);
    if (change !== undefined && this.lastRan !== null) this.lastRan.priority = change;
    let best = 0;
    for (let i = 1; i < this.runq.length; i++) {
      if ((this.runq[i] as Task).priority > (this.runq[best] as Task).priority) best = i;
    }
    // An interrupt is taken at once unless the coin says this CPU had them off.
    if (due && (this.runq.length === 0 || this.rng.below(4) !== 0)) return this.runq.length;
    return best;
  }

  private continuing(): number | null {
    const t = this.lastRan;
    return t !== null && t.state === 'runnable' && this.runq.includes(t) ? t.pid : null;
  }

  private candidates(due: TimerEntry | undefined): Candidate[] {
    const c: Candidate[] = this.runq.map((t) => ({ kind: 'task' as const, pid: t.pid, name: t.name }));
    if (due) c.push({ kind: 'atomic', label: due.label, cpu: due.cpu });
    return c;
  }

  private blockedTasks(): BlockedTask[] {
    return [...this.tasks]
      .filter((t) => t.state === 'blocked' && !t.idle)
      .map((t) => ({ pid: t.pid, name: t.name, waitingOn: t.waitingOn ?? '?' }));
  }

  private reportDeadlock(blocked: BlockedTask[]): void {
    const list = blocked.map((b) => `${b.name}/${b.pid} waiting on ${b.waitingOn}`).join('; ');
    this.sanitizer.report({
      kind: 'deadlock',
      title: `INFO: task ${blocked[0]?.name ?? '?'}/${blocked[0]?.pid ?? 0} blocked forever: no runnable task and no armed timer`,
      resource: blocked.map((b) => b.waitingOn).join(', '),
      detail: `${blocked.length} task(s) blocked: ${list}`,
    });
    this.trace('deadlock', list);
  }

  // ---------------------------------------------------------------- RCU bookkeeping (see sync/rcu.ts)

  /** @internal Opens or nests an RCU read-side section in the current context; returns the new reader record if outermost. */
  rcuEnter(): { open: boolean } | null {
    if (this.atomicDepth > 0) {
      if (this.atomicRcuDepth++ !== 0) return null;
      this.atomicRcuReader = { open: true };
      return this.atomicRcuReader;
    }
    const t = this.currentTask;
    if (t === null) throw new Error('rcu_read_lock() outside a task or atomic callback');
    if (t.rcuDepth++ !== 0) return null;
    t.rcuReader = { open: true };
    return t.rcuReader;
  }

  /** @internal Leaves an RCU read-side section; returns true when the outermost one closed. */
  rcuExit(): boolean {
    if (this.atomicDepth > 0) {
      if (this.atomicRcuDepth === 0) {
        this.warn('rcu', 'rcu_read_unlock() without rcu_read_lock()');
        return false;
      }
      if (--this.atomicRcuDepth === 0 && this.atomicRcuReader) {
        this.atomicRcuReader.open = false;
        this.atomicRcuReader = null;
        return true;
      }
      return false;
    }
    const t = this.currentTask;
    if (t === null || t.rcuDepth === 0) {
      this.warn('rcu', 'rcu_read_unlock() without rcu_read_lock()');
      return false;
    }
    if (--t.rcuDepth === 0 && t.rcuReader) {
      t.rcuReader.open = false;
      t.rcuReader = null;
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- misc

  /** Per-kernel singleton of a subsystem (the system workqueue, the misc registry…). */
  subsystem<T>(key: symbol, create: () => T): T {
    let v = this.subsystems.get(key) as T | undefined;
    if (v === undefined) {
      v = create();
      this.subsystems.set(key, v);
    }
    return v;
  }

  /**
   * Fault injection (as `failslab`): the next `n` simulated allocations fail
   * with `-ENOMEM`. Used to reach the error paths of `devm_add_action_or_reset`.
   */
  failNextAllocations(n: number): void {
    this.failAllocs = n;
  }

  /** @internal True when the next allocation should fail (consumes one injected fault). */
  allocFails(): boolean {
    if (this.failAllocs === 0) return false;
    this.failAllocs--;
    return true;
  }

  /** Appends a lifecycle event to the trace (no-op when tracing is off). */
  trace(ev: string, detail: string, cpu?: number): void {
    if (!this.tracingOn) return;
    const c = this.contextInfo();
    const who = c.kind === 'task' ? `task ${c.name}/${c.pid}` : c.kind === 'none' ? 'kernel' : `${c.kind} ${c.name}`;
    this.traceLog.push({ t: this.nowNs, cpu: cpu ?? c.cpu, ctx: who, ev, detail });
    if (this.traceLog.length > 2 * this.traceLimit) {
      // Drop in bulk so the cost stays amortised O(1) per event.
      const drop = this.traceLog.length - this.traceLimit;
      this.traceLog.splice(0, drop);
      this.traceDropped += drop;
    }
  }

  /** The sanitizer's reports so far. */
  get reports(): readonly SanitizerReport[] {
    return this.sanitizer.reports;
  }

  /** All reports printed as KASAN blocks. */
  dmesg(): string {
    return this.sanitizer.reports.map(formatReport).join('\n');
  }
}
