/**
 * A replay's trace in the ftrace text layout trace-cmd users read
 * (`trace-cmd report`, /sys/kernel/tracing/trace):
 *
 *               user-3     [001]     0.002000: hrtimer_cancel: edu_poll
 *
 * comm-pid, CPU in brackets, the timestamp in seconds with 6 decimals, the
 * event name, its detail. Atomic callbacks print their label as the comm
 * (spaces become underscores, 16 characters as TASK_COMM_LEN allows) and
 * pid 0; events outside any context print `<idle>-0`. The report that ended
 * the run is the last line, as a `quiesce_report` event.
 */
import type { TraceEvent } from '@quiesce/core-devres';
import type { Finding } from '../finding.js';
import { parseContext } from './context.js';

/** `12.345678`: ns as seconds with µs resolution, as ftrace prints its timestamps. */
export function ftraceTime(ns: number): string {
  const us = Math.floor(ns / 1000);
  return `${Math.floor(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, '0')}`;
}

function comm(ctx: string): { comm: string; pid: number } {
  const c = parseContext(ctx);
  if (c.kind === 'task') return { comm: c.name.slice(0, 16), pid: c.pid };
  if (c.kind === 'kernel') return { comm: '<idle>', pid: 0 };
  return { comm: c.name.replace(/\s+/g, '_').slice(0, 16), pid: 0 };
}

function line(ctx: string, cpu: number, t: number, ev: string, detail: string): string {
  const c = comm(ctx);
  const head = `${c.comm}-${c.pid}`.padStart(22);
  return `${head.padEnd(28)} [${String(cpu).padStart(3, '0')}] ${ftraceTime(t).padStart(12)}: ${ev}: ${detail}`.trimEnd();
}

/**
 * Formats `events` (up to the report, when `finding` is given) in the ftrace
 * layout, with the tracer header. Context: any (pure).
 */
export function formatFtrace(events: readonly TraceEvent[], finding?: Finding): string {
  const out = [
    '# tracer: quiesce (virtual time)',
    '#',
    '#                    TASK-PID      CPU#   TIMESTAMP  FUNCTION',
    '#                       | |          |        |         |',
  ];
  for (const e of events) out.push(line(e.ctx, e.cpu, e.t, e.ev, e.detail));
  if (finding !== undefined) {
    const c = finding.context;
    const ctx = c.kind === 'task' ? `task ${c.name}/${c.pid}` : c.kind === 'none' ? 'kernel' : `${c.kind} ${c.name}`;
    out.push(line(ctx, c.cpu, finding.time, 'quiesce_report', `${finding.kind} ${finding.resource}: ${finding.title}`));
  }
  return out.join('\n');
}
