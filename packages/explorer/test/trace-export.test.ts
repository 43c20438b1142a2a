import { Completion, type Kernel, msleep, type TraceEvent } from '@quiesce/core-devres';
import {
  explore,
  findingKey,
  formatFtrace,
  ftraceTime,
  type PerfettoTrace,
  perfettoTrace,
  replay,
  type Scenario,
} from '@quiesce/explorer';
import { describe, expect, it } from 'vitest';
import { buggy } from '../scenarios/toy.mjs';

/**
 * Checks `t` against the Trace Event Format (JSON Object Format): every event
 * has name, ph, ts (µs, ≥ 0), pid and tid; B/E balance per thread; X has a
 * dur ≥ 0; instants have a scope; every thread and process that carries an
 * event is named by an M event; X slices on one thread nest (the viewer
 * draws one stack per thread). Returns the problems found.
 */
function validate(t: PerfettoTrace): string[] {
  const bad: string[] = [];
  if (!Array.isArray(t.traceEvents)) return ['traceEvents is not an array'];
  const named = new Set<string>();
  const procs = new Set<number>();
  const open = new Map<string, number>();
  const slices = new Map<string, [number, number][]>();
  for (const [i, e] of t.traceEvents.entries()) {
    const where = `event ${i} (${JSON.stringify(e).slice(0, 80)})`;
    if (typeof e.name !== 'string' || e.name === '') bad.push(`${where}: name`);
    if (!['B', 'E', 'X', 'i', 'I', 'M'].includes(e.ph as string)) bad.push(`${where}: ph`);
    if (typeof e.ts !== 'number' || !(e.ts >= 0)) bad.push(`${where}: ts`);
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) bad.push(`${where}: pid/tid`);
    const track = `${e.pid}:${e.tid}`;
    if (e.ph === 'M') {
      const name = (e.args as { name?: unknown } | undefined)?.name;
      if (e.name === 'thread_name' && typeof name === 'string') named.add(track);
      if (e.name === 'process_name' && typeof name === 'string') procs.add(e.pid);
      continue;
    }
    if (!named.has(track)) bad.push(`${where}: thread ${track} not named by an earlier thread_name event`);
    if (!procs.has(e.pid)) bad.push(`${where}: process ${e.pid} not named`);
    if ((e.ph as string) === 'B') open.set(track, (open.get(track) ?? 0) + 1);
    if ((e.ph as string) === 'E') open.set(track, (open.get(track) ?? 0) - 1);
    if (e.ph === 'X') {
      if (typeof e.dur !== 'number' || !(e.dur >= 0)) bad.push(`${where}: X without dur`);
      const list = slices.get(track) ?? [];
      list.push([e.ts, e.ts + (e.dur ?? 0)]);
      slices.set(track, list);
    }
    if (e.ph === 'i' && !['g', 'p', 't'].includes(e.s as string)) bad.push(`${where}: instant scope`);
  }
  for (const [track, n] of open) if (n !== 0) bad.push(`thread ${track}: ${n} unbalanced B/E`);
  const eps = 1e-9;
  for (const [track, list] of slices) {
    list.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const stack: number[] = [];
    for (const [s, e] of list) {
      while (stack.length > 0 && (stack.at(-1) as number) <= s + eps) stack.pop();
      if (stack.length > 0 && e > (stack.at(-1) as number) + eps)
        bad.push(`thread ${track}: slice [${s}, ${e}] overlaps its parent`);
      stack.push(e);
    }
  }
  return bad;
}

/** A task that waits on a completion another task completes after sleeping 2 ms. */
const waiter: Scenario = {
  name: 'waiter',
  setup(k: Kernel) {
    const done = new Completion(k, 'done');
    k.spawn('waiter', async () => {
      await done.waitForCompletion();
    });
    k.spawn('completer', async () => {
      await msleep(k, 2);
      done.complete();
    });
  },
};

describe('Perfetto / Chrome trace-event export', () => {
  it('a finding of the toy race: valid trace-event JSON with the report as a marked global instant', async () => {
    const r = await explore(buggy, { strategy: 'random' });
    const bug = r.findings[0];
    if (bug === undefined) throw new Error('no finding');
    const rp = await replay(buggy, bug.shrunk, { seed: bug.seed, key: findingKey(bug.finding) });
    const t = perfettoTrace(rp.traceLog.slice(0, rp.mark), bug.finding);
    expect(validate(JSON.parse(JSON.stringify(t)) as PerfettoTrace)).toEqual([]);
    const report = t.traceEvents.filter((e) => e.cat === 'report');
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ ph: 'i', s: 'g', name: bug.finding.title });
    // The timer callback is a slice on CPU 0's track (pid 1 = CPUs, tid = cpu + 1).
    const irq = t.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'irq');
    expect(irq.map((e) => [e.name, e.pid, e.tid])).toContainEqual(['hrtimer toy_poll', 1, 1]);
    // The free is a lifecycle instant on the unbind task's track.
    const unbind = t.traceEvents.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'unbind/2');
    expect(t.traceEvents.some((e) => e.name === 'release' && e.ph === 'i' && e.tid === unbind?.tid)).toBe(true);
  });

  it('waits are slices from sched_block to the next run, in µs of virtual time', async () => {
    const rp = await replay(waiter, []);
    const t = perfettoTrace(rp.traceLog);
    expect(validate(t)).toEqual([]);
    const waits = t.traceEvents.filter((e) => e.cat === 'wait');
    const names = waits.map((e) => e.name);
    expect(names.some((n) => n.startsWith('wait: '))).toBe(true);
    // The waiter waits from time 0 until the completer runs again at 2 ms = 2,000 µs.
    const w = waits.find((e) => e.tid === 1);
    expect(w?.ts).toBeLessThan(0.01);
    expect((w?.ts ?? 0) + (w?.dur ?? 0)).toBeGreaterThanOrEqual(2000);
    expect((w?.ts ?? 0) + (w?.dur ?? 0)).toBeLessThan(2000.1);
  });

  it('work items and hrtimer expiry become slices on their tracks, nested in what ran', () => {
    const ev = (t: number, ctx: string, e: string, detail: string, cpu = 0): TraceEvent => ({
      t,
      cpu,
      ctx,
      ev: e,
      detail,
    });
    const events = [
      ev(0, 'kernel', 'spawn', 'kworker/0:1/1'),
      ev(0, 'task kworker/0:1/1', 'run', ''),
      ev(0, 'task kworker/0:1/1', 'workqueue_execute_start', 'edu_work'),
      ev(0, 'task kworker/0:1/1', 'sched_block', 'mutex edu'),
      ev(1000, 'kernel', 'fire', 'hrtimer edu_poll', 1),
      ev(1000, 'softirq hrtimer edu_poll', 'hrtimer_expire_entry', 'edu_poll now=1000 expires=1000', 1),
      ev(1000, 'softirq hrtimer edu_poll', 'hrtimer_expire_exit', 'edu_poll', 1),
      ev(5000, 'task kworker/0:1/1', 'run', ''),
      ev(5000, 'task kworker/0:1/1', 'workqueue_execute_end', 'edu_work'),
    ];
    const t = perfettoTrace(events);
    expect(validate(t)).toEqual([]);
    const x = (name: string) => t.traceEvents.find((e) => e.ph === 'X' && e.name === name);
    expect(x('work edu_work')).toMatchObject({ pid: 2, tid: 1, ts: 0.002 });
    expect(x('work edu_work')?.dur).toBeCloseTo(5.001 - 0.002, 6);
    expect(x('wait: mutex edu')).toMatchObject({ pid: 2, tid: 1 });
    expect(x('hrtimer edu_poll')).toMatchObject({ pid: 1, tid: 2, ts: 1, cat: 'irq' });
    // Expiry nests inside the callback slice on CPU 1's track.
    expect(x('expire edu_poll')).toMatchObject({ pid: 1, tid: 2, ts: 1.001, cat: 'irq' });
  });
});

describe('ftrace text layout', () => {
  it('task-pid [cpu] seconds.micros: event: detail, the report last', async () => {
    const r = await explore(buggy, { strategy: 'random' });
    const bug = r.findings[0];
    if (bug === undefined) throw new Error('no finding');
    const rp = await replay(buggy, bug.shrunk, { seed: bug.seed, key: findingKey(bug.finding) });
    const text = formatFtrace(rp.traceLog.slice(0, rp.mark), bug.finding);
    const lines = text.split('\n').filter((l) => !l.startsWith('#'));
    for (const l of lines) expect(l).toMatch(/^\s*\S+-\d+\s+\[\d{3}\]\s+\d+\.\d{6}: [a-z_-]+:( .*)?$/);
    expect(lines.at(-1)).toMatch(
      /hrtimer_toy_poll-0\s+\[000\]\s+0\.000000: quiesce_report: use-after-remove toy BAR0: BUG: KASAN/,
    );
    expect(text).toMatch(/unbind-2\s+\[001\]\s+0\.000000: release: toy BAR0/);
  });

  it('timestamps are seconds with 6 decimals (µs resolution, as ftrace prints)', () => {
    expect(ftraceTime(0)).toBe('0.000000');
    expect(ftraceTime(2_000_000)).toBe('0.002000');
    expect(ftraceTime(1_234_567_890)).toBe('1.234567');
  });
});
