import { type ChoicePoint, Kernel, type KernelOptions, msleep, timerEntry } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

const NAMES = ['A', 'B', 'C'] as const;
const ROUNDS = 3;

/**
 * A racy scenario: three tasks append to a shared log with a scheduling
 * point after each append, a softirq lands at time 0, and a sleeper adds a
 * second round after time moves. Which interleaving happens is up to the
 * scheduler.
 */
async function racy(opts: KernelOptions) {
  const k = new Kernel(opts);
  const order: string[] = [];
  for (const name of NAMES) {
    k.spawn(name, async () => {
      for (let i = 0; i < ROUNDS; i++) {
        order.push(`${name}${i}`);
        await k.yield();
      }
    });
  }
  k.armTimer(
    timerEntry('tick', 0, () => k.runAtomic('softirq', 0, 'tick', () => order.push('T'))),
    0,
  );
  k.spawn('S', async () => {
    await msleep(k, 1);
    order.push('S');
  });
  const r = await k.run();
  expect(r.reason).toBe('idle');
  return { order, trace: k.traceLog, decisions: [...k.decisions], widths: [...k.decisionWidths] };
}

/** Every task's own entries appear in program order, whatever the interleaving. */
function programOrderKept(order: string[]): boolean {
  return NAMES.every((n) => {
    const mine = order.filter((e) => e.startsWith(n));
    return mine.join(',') === Array.from({ length: ROUNDS }, (_, i) => `${n}${i}`).join(',');
  });
}

describe('determinism', () => {
  it('fifo: due atomic events first, then tasks round-robin in queue order', async () => {
    const { order, decisions } = await racy({ strategy: 'fifo' });
    expect(order).toEqual(['T', 'A0', 'B0', 'C0', 'A1', 'B1', 'C1', 'A2', 'B2', 'C2', 'S']);
    // fifo never picks anything but the head of the queue or the due atomic event (the last candidate).
    expect(decisions.length).toBeGreaterThan(0);
  });

  for (const strategy of ['random', 'pct'] as const) {
    it(`${strategy}: the same seed gives an identical trace and decision list`, async () => {
      for (const seed of [1, 2, 99]) {
        const a = await racy({ strategy, seed });
        const b = await racy({ strategy, seed });
        expect(b.trace).toEqual(a.trace);
        expect(b.decisions).toEqual(a.decisions);
        expect(b.order).toEqual(a.order);
      }
    });

    it(`${strategy}: different seeds give different interleavings, each a valid one`, async () => {
      const seen = new Set<string>();
      for (let seed = 1; seed <= 12; seed++) {
        const { order, decisions, widths } = await racy({ strategy, seed });
        expect(programOrderKept(order)).toBe(true);
        expect(order).toHaveLength(NAMES.length * ROUNDS + 2);
        decisions.forEach((d, i) => {
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(widths[i] as number);
        });
        seen.add(order.join(' '));
      }
      expect(seen.size).toBeGreaterThan(1);
    });
  }
});

describe('replay', () => {
  for (const strategy of ['random', 'pct'] as const) {
    it(`replaying the decisions of a ${strategy} run reproduces its trace exactly`, async () => {
      for (const seed of [3, 4, 5]) {
        const orig = await racy({ strategy, seed });
        // A fifo kernel with a different seed: only the replayed decisions can make it match.
        const again = await racy({ replay: orig.decisions, seed: seed + 1000 });
        expect(again.trace).toEqual(orig.trace);
        expect(again.order).toEqual(orig.order);
        expect(again.decisions).toEqual(orig.decisions);
      }
    });
  }

  it('a decision out of range is a divergence error', async () => {
    await expect(racy({ replay: [7] })).rejects.toThrow(/replay diverged at decision 0: choice 7/);
  });

  it('a chooser sees the candidates in canonical order and its picks are recorded', async () => {
    const points: ChoicePoint[] = [];
    const chooser = (p: ChoicePoint): number => {
      points.push({ ...p, candidates: [...p.candidates] });
      return p.candidates.length - 1; // always the last: the due atomic event, else the newest queued task
    };
    const { order, decisions } = await racy({ chooser });
    const first = points[0];
    expect(first?.index).toBe(0);
    expect(first?.candidates).toEqual([
      { kind: 'task', pid: 1, name: 'A' },
      { kind: 'task', pid: 2, name: 'B' },
      { kind: 'task', pid: 3, name: 'C' },
      { kind: 'task', pid: 4, name: 'S' },
      { kind: 'atomic', label: 'tick', cpu: 0 },
    ]);
    expect(order[0]).toBe('T');
    expect(decisions).toEqual(points.map((p) => p.candidates.length - 1));
    expect(points.map((p) => p.index)).toEqual(points.map((_, i) => i));
  });
});
