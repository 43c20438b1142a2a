/**
 * A finding's replay shaped for the page (api.ts's FindingView): the
 * timeline (lanes, spans, marks), the step-through lines and the ftrace text
 * alternative, all from the explorer's own exporters so the page shows what
 * `quiesce-explore --trace-out/--ftrace` writes. Pure: runs in a worker and
 * in Node tests.
 */
import type { TraceEvent } from '@quiesce/core-devres';
import { type Finding, type FoundBug, formatFtrace, perfettoTrace, type ReplayFile } from '@quiesce/explorer/browser';
import type { FindingView, ReplayStep, Timeline, TraceMark, TraceSpan } from './api.js';

/** Perfetto's CPU process (trace/perfetto.ts): one thread per virtual CPU, tid = cpu + 1. */
const CPUS = 1;

/** ns from the exporter's µs, rounded back to the integer ns it came from. */
const ns = (us: number): number => Math.round(us * 1000);

/** The lane of a finding's context: its task's lane, else the CPU it ran on. */
function findingLane(f: Finding): string {
  const c = f.context;
  return c.kind === 'task' ? `task ${c.name}/${c.pid}` : `CPU ${c.cpu}`;
}

/**
 * A span's kind from the exporter's category: a task's step, a work item, a
 * wait (an RCU grace period waited out is its own kind), and on a CPU an
 * interrupt handler (`irq 24`) or any other atomic callback (a timer's
 * expiry, a sleep's wake-up timer, the device model's `edu fact`).
 */
function spanKind(cat: string | undefined, name: string): TraceSpan['kind'] {
  if (cat === 'sched') return 'task';
  if (cat === 'work') return 'work';
  if (cat === 'wait') return name === 'rcu grace period' ? 'grace-period' : 'wait';
  return name.startsWith('irq ') ? 'irq' : 'callback';
}

/**
 * The timeline of `events` (a replay's trace up to the report) with the
 * report of `finding` as the mark whose `badAccess` is true. Context: any
 * (pure). Returns: CPU lanes first, then task lanes by pid; spans and marks
 * in time order.
 */
export function timelineOf(events: readonly TraceEvent[], finding: Finding): Timeline {
  const trace = perfettoTrace(events, finding);
  const names = new Map<string, string>();
  for (const e of trace.traceEvents) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, String(e.args?.name));
  }
  const laneOf = (pid: number, tid: number): string => {
    const n = names.get(`${pid}:${tid}`) ?? String(tid);
    return pid === CPUS ? n : `task ${n}`;
  };
  const spans: TraceSpan[] = [];
  const marks: TraceMark[] = [];
  let endNs = 0;
  for (const e of trace.traceEvents) {
    if (e.ph === 'X') {
      const startNs = ns(e.ts);
      const end = ns(e.ts + (e.dur ?? 0));
      spans.push({ lane: laneOf(e.pid, e.tid), kind: spanKind(e.cat, e.name), name: e.name, startNs, endNs: end });
      endNs = Math.max(endNs, end);
    } else if (e.ph === 'i') {
      const report = e.cat === 'report';
      const detail = typeof e.args?.detail === 'string' && !report ? `: ${e.args.detail}` : '';
      marks.push({
        lane: report ? findingLane(finding) : laneOf(e.pid, e.tid),
        kind: report ? 'report' : 'lifecycle',
        name: `${e.name}${detail}`,
        atNs: ns(e.ts),
        badAccess: report,
      });
      endNs = Math.max(endNs, ns(e.ts));
    }
  }
  const lanes = [...new Set([...spans.map((s) => s.lane), ...marks.map((m) => m.lane)])];
  const cpu = (l: string): number => (l.startsWith('CPU ') ? Number(l.slice(4)) : Number.NaN);
  const pid = (l: string): number => Number(l.slice(l.lastIndexOf('/') + 1));
  lanes.sort((a, b) => {
    const ca = cpu(a);
    const cb = cpu(b);
    if (!Number.isNaN(ca) || !Number.isNaN(cb)) return Number.isNaN(ca) ? 1 : Number.isNaN(cb) ? -1 : ca - cb;
    return pid(a) - pid(b);
  });
  return { lanes, spans, marks, endNs };
}

/** Lines of formatFtrace's header before the first event. */
const FTRACE_HEADER = 4;

/**
 * One step per event of `events`, then the report, each with its ftrace line
 * (the lines of {@link formatFtrace}). Context: any (pure).
 */
export function stepsOf(events: readonly TraceEvent[], finding: Finding, ftrace?: string): ReplayStep[] {
  const lines = (ftrace ?? formatFtrace(events, finding)).split('\n').slice(FTRACE_HEADER);
  const steps: ReplayStep[] = events.map((e, index) => ({
    index,
    atNs: e.t,
    cpu: e.cpu,
    task: e.ctx,
    text: lines[index] ?? '',
  }));
  const c = finding.context;
  steps.push({
    index: events.length,
    atNs: finding.time,
    cpu: c.cpu,
    task: c.kind === 'task' ? `task ${c.name}/${c.pid}` : c.kind === 'none' ? 'kernel' : `${c.kind} ${c.name}`,
    text: lines[events.length] ?? '',
  });
  return steps;
}

/**
 * The page's view of `bug`: its report text, decisions, timeline, ftrace
 * listing, steps and replay document. `events` is the replay of the shrunk
 * decisions up to the report. Context: any (pure).
 */
export function findingView(bug: FoundBug, events: readonly TraceEvent[], replayFile: ReplayFile): FindingView {
  const ftrace = formatFtrace(events, bug.finding);
  return {
    kind: bug.finding.kind,
    title: bug.finding.title,
    reportText: bug.text,
    schedule: bug.schedule,
    seed: bug.seed,
    decisions: bug.shrunk.slice(),
    originalDecisions: bug.decisions.slice(),
    timeline: timelineOf(events, bug.finding),
    ftrace,
    steps: stepsOf(events, bug.finding, ftrace),
    replayFile,
  };
}
