/**
 * A readable excerpt of the trace around the bad access: the last events
 * before the report was filed, one line each, dmesg-style.
 */
import type { TraceEvent } from '@quiesce/core-devres';
import type { Finding } from '../finding.js';

export interface TraceExcerpt {
  /** The events, oldest first (the last is the one just before the report). */
  events: TraceEvent[];
  /** Events of the run before the excerpt (not shown). */
  omitted: number;
  /** The excerpt as text, ending with the report's title line. */
  text: string;
}

/** `[    0.001000]`: virtual time in seconds with µs, as dmesg prints it. */
export function dmesgTime(ns: number): string {
  const us = Math.floor(ns / 1000);
  const s = Math.floor(us / 1_000_000);
  return `[${String(s).padStart(5)}.${String(us % 1_000_000).padStart(6, '0')}]`;
}

/**
 * Cuts the `count` events before trace position `mark` and prints them with
 * the finding as the last line. Context: any (pure).
 */
export function traceExcerpt(log: readonly TraceEvent[], mark: number, finding: Finding, count = 30): TraceExcerpt {
  const end = Math.min(mark, log.length);
  const start = Math.max(0, end - count);
  const events = log.slice(start, end).map((e) => ({ ...e }));
  const ctxWidth = Math.max(8, ...events.map((e) => e.ctx.length));
  const evWidth = Math.max(5, ...events.map((e) => e.ev.length));
  const lines: string[] = [];
  lines.push(`${'time'.padEnd(14)} ${'cpu'.padEnd(4)} ${'context'.padEnd(ctxWidth)} ${'event'.padEnd(evWidth)} detail`);
  if (start > 0) lines.push(`${''.padEnd(14)} … ${start} earlier event(s)`);
  for (const e of events) {
    lines.push(
      `${dmesgTime(e.t)} CPU${String(e.cpu).padEnd(1)} ${e.ctx.padEnd(ctxWidth)} ${e.ev.padEnd(evWidth)} ${e.detail}`.trimEnd(),
    );
  }
  const c = finding.context;
  const who = c.kind === 'task' ? `task ${c.name}/${c.pid}` : c.kind === 'none' ? 'kernel' : `${c.kind} ${c.name}`;
  lines.push(
    `${dmesgTime(finding.time)} CPU${String(c.cpu).padEnd(1)} ${who.padEnd(ctxWidth)} ${'>>>'.padEnd(evWidth)} ${finding.title}`,
  );
  return { events, omitted: start, text: lines.join('\n') };
}
