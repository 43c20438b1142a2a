/**
 * Emulates kernel/time/hrtimer.c (the per-CPU bases).
 *
 * Per-CPU timer bases (`struct hrtimer_cpu_base` / `hrtimer_clock_base`).
 *
 * Each CPU has a hard (hardirq) and a soft (softirq) clock base. A timer
 * belongs to one base at a time; its entry on the kernel's shared timer
 * queue carries the base's CPU, so the callback runs on that CPU.
 * The queue itself is the kernel's (`k.armTimer`): the bases hold no queue
 * of their own, only what the kernel keeps per base besides the rbtree:
 * which timer's callback is running, and expiry statistics.
 *
 * Invariant: `running` is the timer whose callback runs on this base
 * (including its occupied span); the CPU is busy for that time, so there is
 * at most one.
 */
import { checkKernel, type Kernel, KernelLocal } from '@quiesce/core-devres';
import type { HrTimer } from './hrtimer.js';

/** One clock base of one CPU (hard or soft expiry). */
export class HrtimerClockBase {
  /** `base->running`: the timer whose callback runs here, or null. */
  running: HrTimer | null = null;

  constructor(
    readonly cpuBase: HrtimerCpuBase,
    /** True for the softirq base (timers set up with `HRTIMER_MODE_SOFT`). */
    readonly soft: boolean,
  ) {}

  /** The CPU this base belongs to. */
  get cpu(): number {
    return this.cpuBase.cpu;
  }
}

/** `struct hrtimer_cpu_base`: the bases of one CPU. */
export class HrtimerCpuBase {
  readonly hard: HrtimerClockBase;
  readonly soft: HrtimerClockBase;
  /** Callbacks dispatched on this CPU (`cpu_base->nr_events`). */
  nrEvents = 0;

  constructor(readonly cpu: number) {
    this.hard = new HrtimerClockBase(this, false);
    this.soft = new HrtimerClockBase(this, true);
  }
}

/** Per-kernel hrtimer state: the per-CPU bases and once-only warnings. */
export interface HrtimerState {
  readonly bases: readonly HrtimerCpuBase[];
  /** Whether the kernel records a trace (probed once, to skip building trace strings on hot paths). */
  readonly tracing: boolean;
  /** `WARN_ON_ONCE` in `hrtimer_start_range_ns` already fired. */
  warnedSoftMismatch: boolean;
}

const KEY = new KernelLocal((k: Kernel): HrtimerState => {
  // The kernel has no public "is tracing" flag; one init event tells.
  const before = k.traceLog.length;
  k.trace('hrtimers_init', `${k.cpus} cpu bases`);
  const bases: HrtimerCpuBase[] = [];
  for (let c = 0; c < k.cpus; c++) bases.push(new HrtimerCpuBase(c));
  return { bases, tracing: k.traceLog.length > before, warnedSoftMismatch: false };
});

/** The hrtimer state of `k` (created on first use, one per kernel). Context: any. */
export function hrtimerState(k: Kernel): HrtimerState {
  checkKernel('hrtimerState', k);
  return KEY.get(k);
}

/**
 * The clock base of `cpu` for soft or hard expiry (`per_cpu(hrtimer_bases,
 * cpu).clock_base[...]`). Context: any.
 */
export function hrtimerClockBase(k: Kernel, cpu: number, soft: boolean): HrtimerClockBase {
  checkKernel('hrtimerClockBase', k);
  const b = hrtimerState(k).bases[cpu];
  if (b === undefined) throw new RangeError(`hrtimer: no CPU ${cpu} (kernel has ${k.cpus})`);
  return soft ? b.soft : b.hard;
}

/** The CPU the caller runs on: the atomic callback's, the task's, or 0 outside any context. */
export function thisCpu(k: Kernel): number {
  const t = k.current;
  return t !== null ? t.cpu : k.contextInfo().cpu;
}
