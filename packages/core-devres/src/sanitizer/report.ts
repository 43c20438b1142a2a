/**
 * Sanitizer reports: data first (JSON-serialisable), printed like a KASAN
 * block second. One report is one bug seen once.
 */

/**
 * What went wrong (docs/design.md §5): `warn` is a kernel WARN; `deadlock` a
 * cycle of waits (or tasks nothing can wake); `hung-task` a task blocked too
 * long or still blocked when the run ends; `invalid-mmio` an MMIO access at
 * a bad offset (sanitizer on); `possible-circular-locking`
 * lockdep's prediction (a lock-order cycle, or a recursive acquisition).
 */
export type ReportKind =
  | 'use-after-remove'
  | 'use-after-free'
  | 'slab-out-of-bounds'
  | 'double-free'
  | 'invalid-free'
  | 'execute-after-free'
  | 'sleep-in-atomic'
  | 'double-release'
  | 'leak-at-unbind'
  | 'memory-leak'
  | 'callback-after-fence'
  | 'invalid-mmio'
  | 'warn'
  | 'deadlock'
  | 'hung-task'
  | 'possible-circular-locking';

/** Where the offending code ran. */
export interface ContextInfo {
  /** `task` is process context; `hardirq`/`softirq` are atomic callbacks; `none` is outside the simulation. */
  kind: 'task' | 'hardirq' | 'softirq' | 'none';
  /** Task name (`kworker/0:1`, `user`) or callback label (`hrtimer edu_poll`). */
  name: string;
  pid: number;
  cpu: number;
}

export interface ReportStacks {
  /** Where the bad access (or call) happened. */
  access?: string;
  /** Where the resource was acquired / the callback registered. */
  acquired?: string;
  /** Where the resource was released / the module unloaded. */
  released?: string;
  /** For a deadlock: each blocked task's stack, captured when it blocked. */
  tasks?: { task: string; stack: string }[];
}

export interface SanitizerReport {
  kind: ReportKind;
  /** First line, as the kernel would print it. */
  title: string;
  /** The resource or callback involved (`edu BAR0`, `edu_poll [edu]`). */
  resource: string;
  /** One or two sentences of detail. */
  detail: string;
  context: ContextInfo;
  /** Virtual time in ns. */
  time: number;
  stacks: ReportStacks;
}

const RULE = '==================================================================';

/** Prints a report as one KASAN-style block. */
export function formatReport(r: SanitizerReport): string {
  const ctx =
    r.context.kind === 'task'
      ? `task ${r.context.name}/${r.context.pid}`
      : r.context.kind === 'none'
        ? 'no task'
        : `${r.context.kind} ${r.context.name}`;
  const lines = [
    RULE,
    r.title,
    `${r.detail}`,
    `resource: ${r.resource}`,
    `by ${ctx} on CPU ${r.context.cpu} at ${r.time} ns`,
  ];
  const stack = (head: string, s: string | undefined): void => {
    if (s === undefined) return;
    lines.push('', head, ...s.split('\n').map((l) => ` ${l.trim()}`));
  };
  stack('Call trace:', r.stacks.access);
  stack('Acquired by:', r.stacks.acquired);
  stack('Released by:', r.stacks.released);
  for (const t of r.stacks.tasks ?? []) stack(`Task ${t.task}, blocked at:`, t.stack);
  lines.push(RULE);
  return lines.join('\n');
}

/** Thrown at the first report in `panic` mode. */
export class SanitizerPanic extends Error {
  readonly report: SanitizerReport;
  constructor(report: SanitizerReport) {
    super(`Kernel panic - not syncing: ${report.title}\n${formatReport(report)}`);
    this.name = 'SanitizerPanic';
    this.report = report;
  }
}
