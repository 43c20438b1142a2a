// The chunk loop (chunks.ts) against scripted workers: which chunks go out,
// in which order, and when it stops, with hits arriving out of order. The
// property that makes the first finding the serial one: no chunk starting
// after the lowest known hit goes out, every chunk before it does, and the
// merge keeps the lowest index whatever the arrival order.
import { FindingMerger, type Hit } from '@quiesce/explorer/browser';
import { describe, expect, it } from 'vitest';
import { chunkSize, driveChunks } from '../src/engine/chunks.js';
import type { WorkerLike } from '../src/engine/engine.js';
import type { FromWorker, ToWorker } from '../src/engine/protocol.js';
import { Slot } from '../src/engine/slot.js';

class Scripted implements WorkerLike {
  onmessage: ((e: { data: FromWorker }) => void) | null = null;
  onerror: ((e: { message?: string }) => void) | null = null;
  readonly chunks: [number, number][] = [];
  postMessage(m: ToWorker): void {
    if (m.type === 'chunk') this.chunks.push([m.start, m.end]);
  }
  terminate(): void {}
  /** Answers the chunk [start, end) with hits at `at`. */
  done(start: number, end: number, at: number[] = []): void {
    const hits: Hit[] = at.map((index) => ({
      index,
      seed: 1 + index,
      decisions: [index],
      findings: [
        {
          kind: 'use-after-remove',
          title: `hit ${index}`,
          resource: 'edu BAR0',
          detail: '',
          context: { kind: 'task', name: 'user0', pid: 2, cpu: 0 },
          time: 0,
          stacks: {},
        },
      ],
    }));
    this.onmessage?.({ data: { type: 'done', start, end, ran: end - start, hits } });
  }
}

function setup(n: number, lo: number, hi: number) {
  const ws = Array.from({ length: n }, () => new Scripted());
  const slots = ws.map((w) => new Slot(w));
  const merger = new FindingMerger(true);
  const ran: number[] = [];
  const p = driveChunks(slots, lo, hi, n, merger, (r) => ran.push(r));
  return { ws, merger, ran, p };
}

describe('driveChunks', () => {
  it('hands out guided chunks in index order, two per worker, and covers the range when clean', async () => {
    const { ws, ran, p } = setup(2, 0, 100);
    // First round: one chunk each, then a second each, in order.
    const a = chunkSize(100, 2);
    expect(a).toBe(13);
    expect(ws[0]?.chunks[0]).toEqual([0, 13]);
    expect(ws[1]?.chunks[0]).toEqual([13, 13 + chunkSize(87, 2)]);
    expect(ws[0]?.chunks[1]?.[0]).toBe(ws[1]?.chunks[0]?.[1]);
    // Answer everything until the range is covered.
    const answered = new Set<string>();
    for (let guard = 0; guard < 100; guard++) {
      let any = false;
      for (const w of ws) {
        for (const [s, e] of w.chunks) {
          if (answered.has(`${s}`)) continue;
          answered.add(`${s}`);
          w.done(s, e);
          any = true;
        }
      }
      if (!any) break;
    }
    expect(await p).toBe(100);
    expect(ran.reduce((x, y) => x + y, 0)).toBe(100);
    const all = ws.flatMap((w) => w.chunks).sort((x, y) => x[0] - y[0]);
    // Contiguous, disjoint, increasing: [0,13), [13,…), … up to 100.
    for (let i = 1; i < all.length; i++) expect(all[i]?.[0]).toBe(all[i - 1]?.[1]);
    expect(all.at(-1)?.[1]).toBe(100);
  });

  it('after a hit at i, no chunk starting after i goes out; a lower hit arriving later wins', async () => {
    const { ws, merger, p } = setup(2, 0, 1000);
    const [w0, w1] = ws as [Scripted, Scripted];
    const [c0, c2] = w0.chunks as [[number, number], [number, number]];
    const [c1, c3] = w1.chunks as [[number, number], [number, number]];
    // Worker 1's first chunk finds something in its middle.
    const hit = c1[0] + 2;
    w1.done(c1[0], c1[1], [hit]);
    // The next chunk would start at c3's end > hit: nothing more goes out.
    expect(w1.chunks).toHaveLength(2);
    // Worker 0's first chunk (before the hit) finds a lower one, then the rest drain.
    w0.done(c0[0], c0[1], [c0[0] + 1]);
    expect(w0.chunks).toHaveLength(2);
    w0.done(c2[0], c2[1], [c2[0]]);
    w1.done(c3[0], c3[1]);
    const covered = await p;
    expect(covered).toBe(c3[1]);
    expect(merger.first).toBe(c0[0] + 1);
    expect(merger.bugsInOrder()[0]?.finding.title).toBe(`hit ${c0[0] + 1}`);
  });

  it('rejects on a worker error and leaves the slots without a listener', async () => {
    const { ws, p } = setup(1, 0, 50);
    ws[0]?.onmessage?.({ data: { type: 'error', message: 'boom' } });
    await expect(p).rejects.toThrow('engine worker: boom');
  });
});
