// The timeline and step-through of a replay, on a hand-written trace whose
// shape follows the exporter's rules (packages/explorer/src/trace/perfetto.ts:
// a CPU slice lasts until the next thing runs there; expire/work pairs and
// waits are slices; every other event is an instant; the report is last).
import type { TraceEvent } from '@quiesce/core-devres';
import type { Finding } from '@quiesce/explorer/browser';
import { describe, expect, it } from 'vitest';
import { stepsOf, timelineOf } from '../src/engine/view.js';

const ev = (t: number, cpu: number, ctx: string, e: string, detail: string): TraceEvent => ({
  t,
  cpu,
  ctx,
  ev: e,
  detail,
});

const events: TraceEvent[] = [
  ev(1000, 0, 'task admin/4', 'run', ''),
  ev(1000, 0, 'task admin/4', 'sched_block', 'msleep'),
  ev(2000, 1, 'kernel', 'fire', 'irq 24'),
  ev(2000, 1, 'hardirq edu', 'mmio_read', 'edu BAR0 0x20'),
  ev(3000, 1, 'kernel', 'fire', 'hrtimer eduPoll'),
  ev(3000, 1, 'hardirq hrtimer eduPoll', 'hrtimer_expire_entry', 'eduPoll now=3000'),
  ev(3000, 1, 'hardirq hrtimer eduPoll', 'hrtimer_expire_exit', 'eduPoll'),
  ev(4000, 0, 'task kworker/0:0/5', 'run', ''),
  ev(4000, 0, 'task kworker/0:0/5', 'workqueue_execute_start', 'eduWork'),
  ev(4000, 0, 'task kworker/0:0/5', 'workqueue_execute_end', 'eduWork'),
  ev(5000, 0, 'task admin/4', 'run', ''),
  ev(5000, 0, 'task admin/4', 'synchronize_rcu', ''),
  ev(9000, 0, 'task admin/4', 'run', ''),
  ev(9000, 0, 'task admin/4', 'release', 'edu BAR0'),
];

const finding: Finding = {
  kind: 'use-after-remove',
  title: 'BUG: KASAN: use-after-remove in readl',
  resource: 'edu BAR0',
  detail: '',
  context: { kind: 'softirq', name: 'hrtimer eduPoll', pid: 0, cpu: 1 },
  time: 10_000,
  stacks: {},
};

describe('timelineOf', () => {
  const tl = timelineOf(events, finding);

  it('has the CPU lanes first, then one lane per task by pid', () => {
    expect(tl.lanes).toEqual(['CPU 0', 'CPU 1', 'task admin/4', 'task kworker/0:0/5']);
  });

  it('classifies spans: task steps, an IRQ handler, timer callbacks, a work item, waits and a grace period', () => {
    const kinds = (k: string): string[] => tl.spans.filter((s) => s.kind === k).map((s) => `${s.lane}: ${s.name}`);
    expect(kinds('irq')).toEqual(['CPU 1: irq 24']);
    expect(kinds('callback')).toEqual(['CPU 1: hrtimer eduPoll', 'CPU 1: expire eduPoll']);
    expect(kinds('work')).toEqual(['task kworker/0:0/5: work eduWork']);
    expect(kinds('wait')).toEqual(['task admin/4: wait: msleep']);
    expect(kinds('grace-period')).toEqual(['task admin/4: rcu grace period']);
    expect(kinds('task').length).toBe(4);
  });

  it('a wait spans from the block to the next step of its task (virtual ns)', () => {
    const gp = tl.spans.find((s) => s.kind === 'grace-period');
    // synchronize_rcu at 5000 (third event of that instant: +1 ns spread), admin runs again at 9000.
    expect(gp?.startNs).toBe(5001);
    expect(gp?.endNs).toBe(9000);
  });

  it('marks lifecycle instants and the report, the only bad access, on the callback’s CPU at the end', () => {
    const bad = tl.marks.filter((m) => m.badAccess);
    expect(bad).toEqual([{ lane: 'CPU 1', kind: 'report', name: finding.title, atNs: 10_000, badAccess: true }]);
    expect(tl.marks.some((m) => m.kind === 'lifecycle' && m.name === 'release: edu BAR0')).toBe(true);
    expect(tl.endNs).toBe(10_000);
  });
});

describe('stepsOf', () => {
  it('one step per event, then the report, each an ftrace line', () => {
    const steps = stepsOf(events, finding);
    expect(steps).toHaveLength(events.length + 1);
    expect(steps[2]).toMatchObject({ index: 2, atNs: 2000, cpu: 1, task: 'kernel' });
    expect(steps[2]?.text).toMatch(/<idle>-0 +\[001\] +0\.000002: fire: irq 24$/);
    expect(steps.at(-1)).toMatchObject({ index: events.length, atNs: 10_000, cpu: 1, task: 'softirq hrtimer eduPoll' });
    expect(steps.at(-1)?.text).toContain(
      'quiesce_report: use-after-remove edu BAR0: BUG: KASAN: use-after-remove in readl',
    );
  });
});
