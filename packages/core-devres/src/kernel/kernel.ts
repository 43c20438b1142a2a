/**
 * The simulated kernel: virtual CPUs, a virtual clock with its timer queue, a
 * deterministic scheduler of tasks, atomic contexts, the sanitizer and the
 * trace. One `Kernel` is the whole world of one run (docs/design.md §3).
 *
 * `Kernel` is a facade: the state lives in parts a reader finds by name --
 * `clock.ts` (time, timer queue, busy CPUs), `context.ts` (current task,
 * atomic callbacks), `scheduler.ts` (tasks, parking, steps), `strategy.ts`
 * (decisions: fifo, random, PCT, replay, chooser), `run-loop.ts`, `exec.ts`
 * (run one task to its end), `rcu-nesting.ts`, `trace.ts`,
 * `fault-injection.ts`, `diagnostics.ts` (its own reports), `kernel-local.ts`
 * (per-kernel subsystem state), `kernel-options.ts`.
 *
 * Execution model (docs/design.md §3): one task runs at a time and is switched
 * out only at a kernel await; atomic callbacks run to completion between task
 * steps; time jumps to the next expiry when nothing can run; every choice
 * among candidates is made by the strategy and recorded for replay.
 *
 * # Invariants
 * - Every part is owned by exactly one kernel and created in its constructor;
 *   parts refer to each other, never to another kernel's parts.
 * - Only the run loop advances the clock and runs task steps; of the facade's
 *   methods only `run`, `runFor`/`advance` and `exec` enter it, and runs never nest.
 * - The public API is this class; the parts are not exported from the package.
 */
import { Census } from '../census/census.js';
import { type ContextInfo, formatReport, type SanitizerReport } from '../sanitizer/report.js';
import { captureStack, Sanitizer } from '../sanitizer/sanitizer.js';
import { type Checks, makeChecks } from './checks.js';
import { Clock } from './clock.js';
import { Contexts, type RcuReader } from './context.js';
import { sleepInAtomicReport } from './diagnostics.js';
import { execTask } from './exec.js';
import { FaultInjection } from './fault-injection.js';
import { LOCAL_SLOTS } from './kernel-local.js';
import type { KernelOptions } from './kernel-options.js';
import { mightSleepQuiet } from './might-sleep-quiet.js';
import { rcuEnter, rcuExit } from './rcu-nesting.js';
import { type LoopParts, type RunResult, runLoop } from './run-loop.js';
import { trackRunning } from './running.js';
import { Scheduler } from './scheduler.js';
import { Decider, type Strategy } from './strategy.js';
import type { Task } from './task.js';
import { type TimerEntry, timerEntry } from './timer-queue.js';
import { type TraceEvent, Tracer } from './trace.js';
import { badArg, checkDelayNs, checkIndex, ktimeClamp } from './validate.js';
import type { WaitTarget } from './wait-graph.js';

export type { KernelOptions } from './kernel-options.js';
export type { RunResult } from './run-loop.js';
export type { BlockedTask } from './scheduler.js';
export type { Candidate, ChoicePoint, Strategy } from './strategy.js';
export type { TraceEvent } from './trace.js';

/** The simulated kernel. */
export class Kernel {
  readonly cpus: number;
  readonly seed: number;
  readonly strategy: Strategy;
  readonly sanitizer: Sanitizer;
  readonly rcuGracePeriodNs: number;
  /** Decisions taken at points with more than one candidate, in order (the decider's own array). */
  readonly decisions: number[];
  /** Number of candidates at each recorded decision (for exhaustive search). */
  readonly decisionWidths: number[];
  /** The recorded trace (the tracer's own array, trimmed in place; see `traceLimit`). */
  readonly traceLog: TraceEvent[];
  /** The operation census (docs/design.md §9), or null when off (the default: nothing is counted). */
  readonly census: Census | null;
  /** The kernel is tainted (forced module unload, as TAINT_FORCED_RMMOD). */
  tainted = false;
  /** The lock validator, or null when lockdep is off (`KernelOptions.lockdep`). */
  readonly lockdep: Checks['lockdep'];

  private readonly clock: Clock;
  private readonly ctx = new Contexts();
  private readonly tracer: Tracer;
  private readonly decider: Decider;
  private readonly sched: Scheduler;
  private readonly faults = new FaultInjection();
  private readonly loopParts: LoopParts;
  private readonly checks: Checks;
  readonly [LOCAL_SLOTS]: (object | undefined)[] = []; // per-kernel subsystem state (kernel-local.ts)

  constructor(opts: KernelOptions = {}) {
    this.cpus = opts.cpus ?? 2;
    if (!Number.isInteger(this.cpus) || this.cpus < 1) throw new RangeError('Kernel: cpus must be an integer ≥ 1');
    this.seed = opts.seed ?? 1;
    this.strategy = opts.strategy ?? 'fifo';
    this.rcuGracePeriodNs = opts.rcuGracePeriodNs ?? 1_000_000;
    this.census = opts.census === true ? new Census() : null;
    this.clock = new Clock(this.cpus);
    this.tracer = new Tracer(opts.trace ?? true, opts.traceLimit ?? 1_000_000, this.clock, this.ctx);
    this.decider = new Decider({
      seed: this.seed,
      strategy: this.strategy,
      pctDepth: opts.pctDepth ?? 3,
      pctSteps: opts.pctSteps ?? 1000,
      replay: opts.replay ?? [],
      chooser: opts.chooser,
    });
    this.decisions = this.decider.decisions;
    this.decisionWidths = this.decider.widths;
    this.traceLog = this.tracer.log;
    this.sched = new Scheduler(this.cpus, this.ctx, this.decider, this.tracer, this.census);
    this.sanitizer = new Sanitizer(opts.sanitizer ?? 'report', () => ({
      context: this.ctx.info(),
      time: this.clock.nowNs,
    }));
    this.checks = makeChecks(this, opts, this.clock, this.ctx, this.sched, this.sanitizer, this.tracer);
    this.lockdep = this.checks.lockdep;
    this.loopParts = {
      sched: this.sched,
      clock: this.clock,
      decider: this.decider,
      tracer: this.tracer,
      watch: this.checks.watch,
      maxSteps: opts.maxSteps ?? 10_000_000,
    };
  }

  /** Trace events dropped from the front of `traceLog` (see `traceLimit`). */
  get traceDropped(): number {
    return this.tracer.dropped;
  }

  /** True when trace events are recorded (subsystems skip building trace strings otherwise). */
  get tracing(): boolean {
    return this.tracer.on;
  }

  /** Appends a lifecycle event to the trace (no-op when tracing is off). Context: any. */
  trace(ev: string, detail: string, cpu?: number): void {
    this.tracer.record(ev, detail, cpu);
  }

  /** Current virtual time in ns (`ktime_get()`). Context: any. */
  get now(): number {
    return this.clock.nowNs;
  }

  /**
   * Arms `entry` on the clock's timer queue at absolute time `expires` (ns),
   * moving it if already armed. O(log n). Context: any. `counted` false
   * keeps it out of the census (a simulated wait the census counts as
   * something else, e.g. a grace period). The clock's last line of defence
   * (docs/validation.md): a NaN time is a TypeError, a time past
   * `KTIME_MAX` saturates there, as ktime_add_safe() does.
   */
  armTimer(entry: TimerEntry, expires: number, counted = true): void {
    if (Number.isNaN(expires)) throw badArg('Kernel.armTimer', 'expires', 'a time in ns', expires);
    if (counted) this.census?.count('timer_arm');
    this.clock.timers.add(entry, ktimeClamp(expires));
  }

  /** Disarms `entry`. Returns true if it was armed. O(log n). Context: any. `counted` as for {@link armTimer}. */
  cancelTimer(entry: TimerEntry, counted = true): boolean {
    if (counted) this.census?.count('timer_cancel');
    return this.clock.timers.remove(entry);
  }

  /** Scheduler steps taken since the kernel was made (task steps and atomic events). */
  get totalSteps(): number {
    return this.sched.stepCount;
  }

  /** Number of armed timer entries (all subsystems). */
  get armedTimers(): number {
    return this.clock.timers.size;
  }

  /**
   * Queues an atomic event to run "now" on `cpu` (an IRQ being raised, a
   * device completing). It becomes a candidate at the next decision point;
   * `fn` then runs in hardirq context on `cpu`. Context: any.
   */
  raise(label: string, cpu: number, fn: () => void): TimerEntry {
    checkIndex('Kernel.raise', 'cpu', cpu, this.cpus);
    const e = timerEntry(label, cpu, () => this.runAtomic('hardirq', cpu, label, fn));
    this.clock.timers.add(e, this.clock.nowNs);
    return e;
  }

  /**
   * Marks `cpu` busy for `spanNs` of virtual time (an atomic callback that
   * takes a while, as seen from other CPUs), then calls `onEnd` in atomic
   * context on that CPU. Other atomic events for that CPU wait for the end.
   * Context: atomic (call from the callback).
   */
  occupyCpu(cpu: number, spanNs: number, label: string, onEnd: () => void): void {
    checkIndex('Kernel.occupyCpu', 'cpu', cpu, this.cpus);
    checkDelayNs('Kernel.occupyCpu', 'spanNs', spanNs); // the clock stays finite (docs/validation.md)
    const end = ktimeClamp(this.clock.nowNs + spanNs);
    this.clock.occupy(cpu, end);
    const e = timerEntry(`${label} (end)`, cpu, () => this.runAtomic('hardirq', cpu, label, onEnd));
    e.spanEnd = true;
    this.clock.timers.add(e, end);
  }

  /** The running task, or null in atomic context / outside the simulation. */
  get current(): Task | null {
    return this.ctx.current;
  }

  /** True in atomic context: an atomic callback, or a task holding a spinlock / in an RCU read-side section. */
  inAtomic(): boolean {
    return this.ctx.inAtomic();
  }

  /** True while an atomic callback (timer, IRQ) runs. */
  inInterrupt(): boolean {
    return this.ctx.atomicDepth > 0;
  }

  /** Describes the current context for reports and traces. */
  contextInfo(): ContextInfo {
    return this.ctx.info();
  }

  /**
   * Runs `fn` in atomic context on `cpu` (a timer callback, an IRQ handler).
   * Sleeping primitives called inside report `sleep-in-atomic`; an RCU
   * read-side section left open at the end is closed with a warning.
   */
  runAtomic<T>(kind: 'hardirq' | 'softirq', cpu: number, name: string, fn: () => T): T {
    if (kind === 'hardirq') this.census?.count('irq');
    return this.ctx.runAtomic(kind, cpu, name, fn, () =>
      this.warn(`${name}`, 'rcu_read_lock() held at the end of an atomic callback'),
    );
  }

  /**
   * `might_sleep()`: true when the caller may sleep. In atomic context files a
   * `sleep-in-atomic` report ("BUG: sleeping function called from invalid
   * context") and returns false; the primitive then does not sleep.
   * Outside any task throws: sleeping code must run in `kernel.spawn`.
   */
  mightSleep(what: string): boolean {
    if (this.ctx.inAtomic()) {
      // Inside an annotated API that already reported this call chain (docs/validation.md).
      if (mightSleepQuiet(this)) return false;
      const report = sleepInAtomicReport(what, this.ctx.info(), this.ctx.atomicDepth > 0);
      this.sanitizer.report({ ...report, stacks: this.stack() });
      return false;
    }
    if (this.ctx.currentTask === null) {
      throw new Error(`${what}: sleeping call outside a kernel task (wrap it in kernel.spawn or kernel.exec)`);
    }
    return true;
  }

  /** Call trace for a report, or nothing when the sanitizer is off. */
  stack(): { access?: string } {
    const s = captureStack(this.sanitizer.mode, 3);
    return s === undefined ? {} : { access: s };
  }

  /** A kernel `WARN()`: a `warn` report with the kernel's message; execution goes on. Context: any. */
  warn(resource: string, message: string): void {
    const stacks = this.stack();
    this.sanitizer.report({ kind: 'warn', title: `WARNING: ${message}`, resource, detail: message, stacks });
    this.trace('warn', message);
  }

  /** The sanitizer's reports so far. */
  get reports(): readonly SanitizerReport[] {
    return this.sanitizer.reports;
  }

  /** All reports printed as KASAN blocks. */
  dmesg(): string {
    return this.sanitizer.reports.map(formatReport).join('\n');
  }

  /**
   * Creates a task running `fn` in process context. It starts at a later
   * scheduling decision (inside `run()`). `cpu` defaults to round-robin.
   * Context: any.
   */
  spawn<T>(name: string, fn: () => Promise<T> | T, cpu?: number): Task<T> {
    return this.sched.spawn(name, fn, cpu);
  }

  /**
   * Spawns `fn` as task `name` and runs the kernel until that task exits;
   * returns its value or rethrows its error. It does not wait for the world to
   * go idle: tasks it spawned, work it queued and timers it armed (a periodic
   * hrtimer) stay in place for a later `run`, `runFor` or `exec`. While the
   * task sleeps, everything else runs and the clock jumps from expiry to
   * expiry as in `run`.
   *
   * Context: outside any task (a test, a benchmark, a scenario).
   * Returns: the task's value.
   * Errors: the task's error, or the first uncaught error of another task
   * (or a panic-mode report) that ends the run first; an `Error` naming the
   * blocked tasks when the task can never finish (deadlock, or it waits with
   * nothing runnable or armed); an `Error` naming what the task waits on and
   * which timers are armed when it is still alive after `maxSteps` steps; an
   * `Error` when called while the kernel is already running. The promise never
   * hangs on a kernel wait; `fn` must await only kernel primitives (a foreign
   * promise that never settles stalls the step, which no loop can see).
   */
  exec<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    if (this.sched.running) {
      return Promise.reject(new Error('Kernel.run: already running (nested run from inside a task?)'));
    }
    return trackRunning(this, () => execTask(this.loopParts, this.spawn(name, fn)));
  }

  /** Tasks that have not exited yet. */
  get allTasks(): readonly Task[] {
    return [...this.sched.tasks];
  }

  /**
   * Parks the current task as blocked on `reason` until {@link Kernel.wake}.
   * The building block of every sleeping primitive; callers loop on their
   * condition (there are no lost wake-ups: the check and the park happen in
   * one synchronous step). `waitFor` names what the wait needs: a wait that
   * closes a wait-for cycle is a `deadlock` report at once. Context: task.
   */
  block(reason: string, waitFor: WaitTarget | null = null): Promise<void> {
    const p = this.sched.block(reason, false);
    this.checks.watch.onBlock(this.ctx.currentTask as Task, waitFor);
    return p;
  }

  /**
   * Parks the current task as an idle daemon (a kworker waiting for work):
   * like {@link Kernel.block}, but a run where only idle tasks are blocked
   * ends `idle`, not `deadlock`. Context: task.
   */
  idleWait(reason: string): Promise<void> {
    return this.sched.block(reason, true);
  }

  /** `cond_resched()`: a scheduling point without blocking. Context: task. */
  yield(): Promise<void> {
    return this.sched.yield();
  }

  /** Makes a blocked task runnable. No effect on a task that is not blocked. Context: any. */
  wake(t: Task): void {
    this.sched.wake(t);
  }

  /** Waits (as a scheduling point) for `t` to exit and returns its result. Context: task. */
  join<T>(t: Task<T>): Promise<T> {
    return this.sched.join(t);
  }

  /**
   * Runs until nothing is runnable and no timer is armed, jumping the clock
   * from expiry to expiry. Returns `deadlock` (and files a report) when tasks
   * remain blocked with nothing left that could wake them. Throws the first
   * uncaught task error, and on exhausting `maxSteps` (a periodic timer never
   * lets the world go idle: use {@link Kernel.runFor}).
   */
  run(): Promise<RunResult> {
    return trackRunning(this, () => runLoop(this.loopParts, Number.POSITIVE_INFINITY));
  }

  /** Runs for `ns` of virtual time; the clock ends at `now + ns`. */
  runFor(ns: number): Promise<RunResult> {
    if (!(ns >= 0)) throw new RangeError('runFor: ns must be ≥ 0');
    return trackRunning(this, () => runLoop(this.loopParts, this.clock.nowNs + ns));
  }

  /** Advances the clock by `ns`, running everything that falls due on the way (same as {@link Kernel.runFor}). */
  advance(ns: number): Promise<RunResult> {
    return this.runFor(ns);
  }

  /** @internal Opens or nests an RCU read-side section in the current context; returns the new reader record if outermost. */
  rcuEnter(): RcuReader | null {
    return rcuEnter(this.ctx);
  }

  /** @internal Leaves an RCU read-side section; returns true when the outermost one closed. */
  rcuExit(): boolean {
    return rcuExit(this.ctx, (message) => this.warn('rcu', message));
  }

  /**
   * Fault injection (as `failslab`): the next `n` simulated allocations fail
   * with `-ENOMEM`. Used to reach the error paths of `devm_add_action_or_reset`.
   */
  failNextAllocations(n: number): void {
    this.faults.failNext(n);
  }

  /**
   * True when this simulated allocation should fail (consumes one injected
   * fault). Subsystems call it where the kernel allocates (`kmalloc` in
   * `alloc_workqueue`, `dma_alloc_coherent`, devres nodes). Context: any.
   */
  allocFails(): boolean {
    return this.faults.allocFails();
  }
}
