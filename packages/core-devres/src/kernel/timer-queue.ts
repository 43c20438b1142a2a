/**
 * The clock's timer queue: one binary min-heap shared by every subsystem that
 * needs something to happen at a virtual time (hrtimers, delayed-work timers,
 * msleep wake-ups, device-model events, the end of an atomic span).
 *
 * # Invariants
 * - An entry is queued iff `entry.heapIndex >= 0`; the heap stores its own
 *   position in each entry, so removal is O(log n) without a search.
 * - Order is (expires, seq): two entries due at the same instant fire in the
 *   order they were armed, which keeps runs deterministic.
 */

/** Something armed on the clock. Subsystems embed or own one per timer. */
export interface TimerEntry {
  /** Absolute virtual time (ns) at which the entry is due. */
  expires: number;
  /** Tie-breaker, assigned by the queue on every add. */
  seq: number;
  /** Position in the heap, -1 when not queued. Owned by {@link TimerQueue}. */
  heapIndex: number;
  /** CPU whose timer base holds the entry; the callback runs there. */
  cpu: number;
  /** Short label for traces and reports (e.g. `hrtimer edu_poll`). */
  label: string;
  /** Runs when the entry is due. Called with the entry already dequeued. */
  fire(): void;
  /** True for the end of an atomic span: it fires even though its CPU is busy. */
  spanEnd: boolean;
}

/** Builds an unqueued entry; `fire` is called in the context the kernel picks. */
export function timerEntry(label: string, cpu: number, fire: () => void): TimerEntry {
  return { expires: 0, seq: 0, heapIndex: -1, cpu, label, fire, spanEnd: false };
}

export class TimerQueue {
  private readonly heap: TimerEntry[] = [];
  private nextSeq = 0;

  /** Number of queued entries. */
  get size(): number {
    return this.heap.length;
  }

  /** The queued entries in firing order: a copy, O(n log n), for diagnostics only. */
  snapshot(): TimerEntry[] {
    return [...this.heap].sort((a, b) => (this.less(a, b) ? -1 : 1));
  }

  /** The earliest entry, or undefined when empty. O(1). */
  peek(): TimerEntry | undefined {
    return this.heap[0];
  }

  /**
   * Queues `entry` at `expires`, dequeuing it first if it was queued
   * (re-arming moves it, as `hrtimer_start` on a queued timer does). O(log n).
   */
  add(entry: TimerEntry, expires: number): void {
    if (entry.heapIndex >= 0) this.remove(entry);
    entry.expires = expires;
    entry.seq = this.nextSeq++;
    entry.heapIndex = this.heap.length;
    this.heap.push(entry);
    this.siftUp(entry.heapIndex);
  }

  /** Dequeues `entry`. Returns true if it was queued. O(log n). */
  remove(entry: TimerEntry): boolean {
    const i = entry.heapIndex;
    if (i < 0) return false;
    // `as`: i >= 0 means the heap holds entry, so pop() returns an entry.
    const last = this.heap.pop() as TimerEntry;
    entry.heapIndex = -1;
    if (last !== entry) {
      this.heap[i] = last;
      last.heapIndex = i;
      this.siftDown(i);
      this.siftUp(last.heapIndex);
    }
    return true;
  }

  /** Removes and returns the earliest entry. O(log n). */
  pop(): TimerEntry | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  private less(a: TimerEntry, b: TimerEntry): boolean {
    return a.expires < b.expires || (a.expires === b.expires && a.seq < b.seq);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    // `as`: i, p, l, r and c are checked against the heap length; noUncheckedIndexedAccess widens them to undefined.
    const e = h[i] as TimerEntry;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p] as TimerEntry;
      if (!this.less(e, pe)) break;
      h[i] = pe;
      pe.heapIndex = i;
      i = p;
    }
    h[i] = e;
    e.heapIndex = i;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    // `as`: i, p, l, r and c are checked against the heap length; noUncheckedIndexedAccess widens them to undefined.
    const e = h[i] as TimerEntry;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.less(h[r] as TimerEntry, h[l] as TimerEntry)) c = r;
      const ce = h[c] as TimerEntry;
      if (!this.less(ce, e)) break;
      h[i] = ce;
      ce.heapIndex = i;
      i = c;
    }
    h[i] = e;
    e.heapIndex = i;
  }
}
