/**
 * The context column of a trace event (`task user/3`, `hardirq edu`,
 * `softirq hrtimer edu_poll`, `kernel`), parsed back into its parts for the
 * exporters.
 */

/** Who an event ran as. */
export interface EventContext {
  kind: 'task' | 'hardirq' | 'softirq' | 'kernel';
  /** Task name or callback label. */
  name: string;
  /** Task pid (0 for atomic callbacks and the kernel). */
  pid: number;
}

/** Parses a TraceEvent's `ctx`. Context: any (pure). */
export function parseContext(ctx: string): EventContext {
  if (ctx.startsWith('task ')) {
    const who = ctx.slice(5);
    const slash = who.lastIndexOf('/');
    return { kind: 'task', name: who.slice(0, slash), pid: Number(who.slice(slash + 1)) };
  }
  if (ctx.startsWith('hardirq ')) return { kind: 'hardirq', name: ctx.slice(8), pid: 0 };
  if (ctx.startsWith('softirq ')) return { kind: 'softirq', name: ctx.slice(8), pid: 0 };
  return { kind: 'kernel', name: 'kernel', pid: 0 };
}

/**
 * Display times in ns: virtual time, with events of the same virtual instant
 * spread 1 ns apart in trace order (virtual time stands still while a task
 * runs, so without this every slice of a step would have zero width).
 */
export function displayTimes(ts: readonly number[]): number[] {
  const out: number[] = [];
  let prev = Number.NEGATIVE_INFINITY;
  for (const t of ts) {
    prev = Math.max(t, prev + 1);
    out.push(prev);
  }
  return out;
}
