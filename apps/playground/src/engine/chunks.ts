/**
 * The chunk loop of a seeded run over several workers, as the explorer's
 * parallel.ts drives worker threads for `--jobs`: chunks of schedule indices
 * go out in increasing order, guided-size, two in flight per worker; once a
 * finding at index i is known (the merger's lowest) no chunk starting after
 * i goes out. Every chunk starting before i has gone out (chunks go in
 * order), so the lowest finding index is the serial run's.
 */
import type { FindingMerger, Hit } from '@quiesce/explorer/browser';
import type { Slot } from './slot.js';

/**
 * Schedules in the next chunk when `n` are left (guided self-scheduling, the
 * explorer's chunkSize: a quarter of each worker's share, at most 256).
 * Context: any (pure).
 */
export function chunkSize(n: number, jobs: number): number {
  return Math.max(1, Math.min(256, Math.ceil(n / (jobs * 4))));
}

/**
 * Runs schedules [lo, hi) of the job every slot has loaded, merging hits
 * into `merger` (stop at first) and calling `onChunk(ran)` per chunk done.
 * Context: the engine's main thread. Returns: the index up to which chunks
 * were handed out. Errors: rejects on a worker's error message.
 */
export function driveChunks(
  slots: readonly Slot[],
  lo: number,
  hi: number,
  jobs: number,
  merger: FindingMerger,
  onChunk: (ran: number) => void,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let next = lo;
    let busy = 0;
    let settled = false;
    const settle = (): void => {
      settled = true;
      for (const x of slots) x.listener = null;
    };
    const dispatch = (w: Slot): void => {
      if (settled) return;
      if (next < hi && next <= merger.first) {
        const s = next;
        next = Math.min(hi, next + chunkSize(hi - next, jobs));
        busy++;
        w.send({ type: 'chunk', start: s, end: next });
      } else if (busy === 0) {
        settle();
        resolve(next);
      }
    };
    for (const w of slots) {
      w.listener = (m) => {
        if (settled) return;
        if (m.type === 'error') {
          settle();
          reject(new Error(`engine worker: ${m.message}`));
          return;
        }
        if (m.type !== 'done') return;
        busy--;
        for (const h of m.hits as Hit[]) merger.add(h);
        onChunk(m.ran);
        dispatch(w);
      };
    }
    // Two chunks in flight per worker, as the CLI's --jobs: a worker starts
    // its next chunk without waiting for this thread to answer.
    for (const w of slots) dispatch(w);
    for (const w of slots) dispatch(w);
  });
}
