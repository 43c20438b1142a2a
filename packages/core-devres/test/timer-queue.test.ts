import { Kernel, type TimerEntry, TimerQueue, timerEntry } from '@quiesce/core-devres';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** The heap array, for checking the heap property and the stored positions. */
function heapOf(q: TimerQueue): readonly TimerEntry[] {
  return (q as unknown as { heap: TimerEntry[] }).heap;
}

function checkHeap(q: TimerQueue, entries: readonly TimerEntry[], queued: ReadonlySet<TimerEntry>): void {
  const h = heapOf(q);
  expect(q.size).toBe(queued.size);
  expect(h.length).toBe(queued.size);
  for (const e of entries) {
    if (queued.has(e)) {
      expect(e.heapIndex).toBeGreaterThanOrEqual(0);
      expect(h[e.heapIndex]).toBe(e);
    } else {
      expect(e.heapIndex).toBe(-1);
    }
  }
  for (let i = 1; i < h.length; i++) {
    const c = h[i] as TimerEntry;
    const p = h[(i - 1) >> 1] as TimerEntry;
    expect(p.expires < c.expires || (p.expires === c.expires && p.seq < c.seq)).toBe(true);
  }
}

describe('TimerQueue', () => {
  it('snapshot lists the queued entries in firing order without dequeuing them', () => {
    const q = new TimerQueue();
    const mk = (label: string, at: number): TimerEntry => {
      const e = timerEntry(label, 0, () => undefined);
      q.add(e, at);
      return e;
    };
    mk('c', 30);
    mk('a', 10);
    mk('b1', 20);
    const gone = mk('x', 5);
    mk('b2', 20);
    q.remove(gone);
    expect(q.snapshot().map((e) => e.label)).toEqual(['a', 'b1', 'b2', 'c']);
    expect(q.size).toBe(4);
    expect(q.pop()?.label).toBe('a');
  });

  it('pops in expiry order, ties in arming order', () => {
    const q = new TimerQueue();
    const mk = (label: string) => timerEntry(label, 0, () => undefined);
    const a = mk('a');
    const b = mk('b');
    const c = mk('c');
    const d = mk('d');
    q.add(a, 30);
    q.add(b, 10);
    q.add(c, 30);
    q.add(d, 20);
    expect(q.peek()).toBe(b);
    expect([q.pop(), q.pop(), q.pop(), q.pop(), q.pop()]).toEqual([b, d, a, c, undefined]);
    expect(q.size).toBe(0);
  });

  it('re-adding moves an entry (and re-stamps its tie order); remove reports whether it was queued', () => {
    const q = new TimerQueue();
    const a = timerEntry('a', 0, () => undefined);
    const b = timerEntry('b', 0, () => undefined);
    q.add(a, 5);
    q.add(b, 5);
    q.add(a, 5); // re-armed: now after b
    expect(q.size).toBe(2);
    expect(q.pop()).toBe(b);
    expect(q.remove(a)).toBe(true);
    expect(a.heapIndex).toBe(-1);
    expect(q.remove(a)).toBe(false);
  });

  it('property: random add/remove/pop sequences keep (expires, seq) order, size and heapIndex', () => {
    const N = 24;
    const op = fc.oneof(
      fc.record({ t: fc.constant('add' as const), i: fc.nat(N - 1), at: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ t: fc.constant('remove' as const), i: fc.nat(N - 1) }),
      fc.record({ t: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = new TimerQueue();
        const entries = Array.from({ length: N }, (_, i) => timerEntry(`e${i}`, 0, () => undefined));
        // Model: each queued entry with its (expires, seq); seq counts every add, as the queue does.
        const model = new Map<TimerEntry, { at: number; seq: number }>();
        let seq = 0;
        for (const o of ops) {
          if (o.t === 'add') {
            const e = entries[o.i] as TimerEntry;
            q.add(e, o.at);
            model.set(e, { at: o.at, seq: seq++ });
            expect(e.expires).toBe(o.at);
          } else if (o.t === 'remove') {
            const e = entries[o.i] as TimerEntry;
            expect(q.remove(e)).toBe(model.delete(e));
          } else {
            let best: TimerEntry | undefined;
            for (const [e, v] of model) {
              const bv = best === undefined ? undefined : model.get(best);
              if (bv === undefined || v.at < bv.at || (v.at === bv.at && v.seq < bv.seq)) best = e;
            }
            expect(q.pop()).toBe(best);
            if (best !== undefined) model.delete(best);
          }
          checkHeap(q, entries, new Set(model.keys()));
        }
        // Draining pops everything in (expires, seq) order.
        const rest = [...model.entries()].sort((x, y) => x[1].at - y[1].at || x[1].seq - y[1].seq).map(([e]) => e);
        const drained: TimerEntry[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) drained.push(e);
        expect(drained).toEqual(rest);
      }),
      { numRuns: 200 },
    );
  });
});

describe('kernel timer API', () => {
  it('armTimer / cancelTimer: heapIndex >= 0 means armed, cancel returns whether it was armed', async () => {
    const k = new Kernel();
    let fired = 0;
    const e = timerEntry('t', 0, () => fired++);
    expect(e.heapIndex).toBe(-1);
    k.armTimer(e, 100);
    expect(e.heapIndex).toBeGreaterThanOrEqual(0);
    expect(k.armedTimers).toBe(1);
    expect(k.cancelTimer(e)).toBe(true);
    expect(k.cancelTimer(e)).toBe(false);
    expect(k.armedTimers).toBe(0);
    await k.run();
    expect(fired).toBe(0);
    expect(k.now).toBe(0);
    k.armTimer(e, 100);
    k.armTimer(e, 300); // re-arm moves it
    expect(k.armedTimers).toBe(1);
    await k.run();
    expect(fired).toBe(1);
    expect(k.now).toBe(300);
    expect(e.heapIndex).toBe(-1); // dequeued before fire
  });
});
