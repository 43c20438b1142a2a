/**
 * A replay's trace as Chrome trace-event JSON (the "JSON Object Format" of
 * the Trace Event Format document), which ui.perfetto.dev and
 * chrome://tracing open.
 *
 * Tracks: process 1 "CPUs" has a thread per virtual CPU (what ran there: a
 * task's step, a timer or IRQ callback, `expire <timer>` inside it); process 2
 * "tasks" has a thread per task (its work items, its waits, and RCU grace
 * periods it waited out). Slices are complete events (`X`, with `dur`);
 * every other kernel event is an instant on its context's track; the report
 * is a global instant in category `report`. Times are in µs of virtual time,
 * events of one virtual instant spread 1 ns apart (trace/context.ts).
 */
import type { TraceEvent } from '@quiesce/core-devres';
import type { Finding } from '../finding.js';
import { displayTimes, parseContext } from './context.js';

/** One trace event (the fields this exporter writes). */
export interface TraceEventJson {
  name: string;
  ph: 'X' | 'i' | 'M';
  /** µs. */
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  s?: 'g' | 'p' | 't';
  cat?: string;
  args?: Record<string, unknown>;
}

/** The JSON document. */
export interface PerfettoTrace {
  traceEvents: TraceEventJson[];
  displayTimeUnit: 'ns';
  otherData: Record<string, string>;
}

const CPUS = 1;
const TASKS = 2;
const us = (ns: number): number => ns / 1000;

interface Builder {
  out: TraceEventJson[];
  threads: Map<string, { pid: number; tid: number; name: string }>;
}

function slice(b: Builder, pid: number, tid: number, name: string, from: number, to: number, cat: string): void {
  b.out.push({ name, ph: 'X', ts: us(from), dur: us(Math.max(1, to - from)), pid, tid, cat });
}

function thread(b: Builder, pid: number, tid: number, name: string): void {
  b.threads.set(`${pid}:${tid}`, { pid, tid, name });
}

/** The step and callback slices of the CPU tracks: each lasts until the next thing runs. */
function cpuSlices(b: Builder, events: readonly TraceEvent[], at: readonly number[], end: number): void {
  const starts: number[] = [];
  events.forEach((e, i) => {
    if (e.ev === 'run' || e.ev === 'fire') starts.push(i);
  });
  starts.forEach((i, j) => {
    const e = events[i] as TraceEvent;
    const next = starts[j + 1];
    const to = next === undefined ? end : (at[next] as number);
    const c = parseContext(e.ctx);
    const name = e.ev === 'run' ? `${c.name}/${c.pid}` : e.detail;
    thread(b, CPUS, e.cpu + 1, `CPU ${e.cpu}`);
    slice(b, CPUS, e.cpu + 1, name, at[i] as number, to, e.ev === 'run' ? 'sched' : 'irq');
  });
}

/** Begin/end pairs on a track (`hrtimer_expire_entry`/`exit`, `workqueue_execute_start`/`end`), stacked per track. */
function pairs(b: Builder, events: readonly TraceEvent[], at: readonly number[], end: number): void {
  const open = new Map<string, { i: number; name: string; cat: string; pid: number; tid: number }[]>();
  const begin: Record<string, [string, string]> = {
    hrtimer_expire_entry: ['expire', 'irq'],
    workqueue_execute_start: ['work', 'work'],
  };
  const close = new Set(['hrtimer_expire_exit', 'workqueue_execute_end']);
  events.forEach((e, i) => {
    const c = parseContext(e.ctx);
    const pid = c.kind === 'task' ? TASKS : CPUS;
    const tid = c.kind === 'task' ? c.pid : e.cpu + 1;
    const key = `${pid}:${tid}`;
    const kind = begin[e.ev];
    if (kind !== undefined) {
      const stack = open.get(key) ?? [];
      stack.push({ i, name: `${kind[0]} ${e.detail.split(' ')[0] ?? ''}`, cat: kind[1], pid, tid });
      open.set(key, stack);
    } else if (close.has(e.ev)) {
      const o = open.get(key)?.pop();
      if (o !== undefined) slice(b, o.pid, o.tid, o.name, at[o.i] as number, at[i] as number, o.cat);
    }
  });
  for (const stack of open.values()) {
    for (const o of stack) slice(b, o.pid, o.tid, o.name, at[o.i] as number, end, o.cat);
  }
}

/** Waits: from a task's `sched_block` (or `synchronize_rcu`) to its next step. */
function waits(b: Builder, events: readonly TraceEvent[], at: readonly number[], end: number): void {
  const waiting = new Map<number, { i: number; name: string }>();
  events.forEach((e, i) => {
    const c = parseContext(e.ctx);
    if (c.kind !== 'task') return;
    if (e.ev === 'run') {
      const w = waiting.get(c.pid);
      if (w !== undefined) slice(b, TASKS, c.pid, w.name, at[w.i] as number, at[i] as number, 'wait');
      waiting.delete(c.pid);
    } else if (e.ev === 'sched_block' && !waiting.has(c.pid)) waiting.set(c.pid, { i, name: `wait: ${e.detail}` });
    else if (e.ev === 'synchronize_rcu') waiting.set(c.pid, { i, name: 'rcu grace period' });
  });
  for (const [pid, w] of waiting) slice(b, TASKS, pid, w.name, at[w.i] as number, end, 'wait');
}

const SLICE_EVENTS = new Set(['run', 'fire', 'sched_block']);

/**
 * Builds the trace-event JSON of a replay's `events`, with `finding` (the
 * report) as a marked global instant. Context: any (pure).
 */
export function perfettoTrace(events: readonly TraceEvent[], finding?: Finding, title = 'quiesce'): PerfettoTrace {
  const at = displayTimes(events.map((e) => e.t));
  const last = at.length > 0 ? (at[at.length - 1] as number) : 0;
  const end = Math.max(last + 1, finding?.time ?? 0);
  const b: Builder = { out: [], threads: new Map() };
  for (const e of events) {
    const c = parseContext(e.ctx);
    if (c.kind === 'task') thread(b, TASKS, c.pid, `${c.name}/${c.pid}`);
  }
  cpuSlices(b, events, at, end);
  pairs(b, events, at, end);
  waits(b, events, at, end);
  events.forEach((e, i) => {
    if (SLICE_EVENTS.has(e.ev)) return;
    const c = parseContext(e.ctx);
    const task = c.kind === 'task';
    if (!task) thread(b, CPUS, e.cpu + 1, `CPU ${e.cpu}`);
    b.out.push({
      name: e.ev,
      ph: 'i',
      s: 't',
      ts: us(at[i] as number),
      pid: task ? TASKS : CPUS,
      tid: task ? c.pid : e.cpu + 1,
      cat: 'lifecycle',
      args: { detail: e.detail, context: e.ctx },
    });
  });
  if (finding !== undefined) {
    b.out.push({
      name: finding.title,
      ph: 'i',
      s: 'g',
      ts: us(end),
      pid: CPUS,
      tid: finding.context.cpu + 1,
      cat: 'report',
      args: { kind: finding.kind, resource: finding.resource, detail: finding.detail, stacks: finding.stacks },
    });
    thread(b, CPUS, finding.context.cpu + 1, `CPU ${finding.context.cpu}`);
  }
  const meta: TraceEventJson[] = [
    { name: 'process_name', ph: 'M', ts: 0, pid: CPUS, tid: 0, args: { name: 'CPUs' } },
    { name: 'process_name', ph: 'M', ts: 0, pid: TASKS, tid: 0, args: { name: 'tasks' } },
  ];
  for (const t of [...b.threads.values()].sort((x, y) => x.pid - y.pid || x.tid - y.tid)) {
    meta.push({ name: 'thread_name', ph: 'M', ts: 0, pid: t.pid, tid: t.tid, args: { name: t.name } });
    meta.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: t.pid, tid: t.tid, args: { sort_index: t.tid } });
  }
  return {
    traceEvents: [...meta, ...b.out.sort((x, y) => x.ts - y.ts)],
    displayTimeUnit: 'ns',
    otherData: { source: title, clock: 'virtual time (events of one instant spread 1 ns apart)' },
  };
}
