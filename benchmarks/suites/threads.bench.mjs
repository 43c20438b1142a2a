// Real parallelism: worker threads reading a SharedArrayBuffer BAR, one and
// two readers at once, fenced (plain reads), revocable with an Atomics flag
// load per access, and an SRCU-style per-reader counter pair per access.
// Timed inside each worker with process.hrtime (tinybench cannot time across
// threads); each figure is the median of the workers' repetitions.
import { Worker } from 'node:worker_threads';
import { main, quick } from '../lib/harness.mjs';

const BAR_BYTES = 4096;
// 2·10^6 reads per repetition (was 5·10^6): the full report must stay under 5 minutes (issue 16).
const OPS = quick ? 200_000 : 2_000_000;
const REPS = quick ? 3 : 9;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(mode, readers) {
  const bar = new SharedArrayBuffer(BAR_BYTES);
  new Uint32Array(bar).forEach((_, i, a) => {
    a[i] = i;
  });
  const ctl = new SharedArrayBuffer(64 * (readers + 2));
  const go = new SharedArrayBuffer(8);
  const startWord = new Int32Array(go);
  const workers = [];
  for (let reader = 0; reader < readers; reader++) {
    workers.push(
      new Worker(new URL('../lib/thread-reader.mjs', import.meta.url), {
        workerData: { bar, ctl, mode, reader, ops: OPS, reps: REPS, go },
      }),
    );
  }
  const done = workers.map(
    (w) =>
      new Promise((res, rej) => {
        w.once('message', res);
        w.once('error', rej);
      }),
  );
  while (Atomics.load(startWord, 0) < readers) await new Promise((r) => setImmediate(r));
  Atomics.store(startWord, 1, 1);
  Atomics.notify(startWord, 1);
  const msgs = await Promise.all(done);
  await Promise.all(workers.map((w) => w.terminate()));
  const all = msgs.flatMap((m) => m.results);
  const sorted = [...all].sort((a, b) => a - b);
  return {
    nsPerOp: median(all),
    p25: sorted[Math.floor(sorted.length / 4)],
    p75: sorted[Math.floor((3 * sorted.length) / 4)],
    samples: all.length,
  };
}

export async function suite() {
  const rows = [];
  for (const readers of [1, 2]) {
    const base = await measure('fenced', readers);
    for (const [mode, label] of [
      ['fenced', 'fenced: plain read'],
      ['atomic-flag', 'revocable: Atomics flag per read'],
      ['srcu', 'revocable: SRCU counters per read'],
    ]) {
      const m = mode === 'fenced' ? base : await measure(mode, readers);
      rows.push({
        name: `${label} (${readers} reader${readers > 1 ? 's' : ''})`,
        ops: OPS,
        nsPerOp: m.nsPerOp,
        rmePct: ((m.p75 - m.p25) / m.nsPerOp) * 50,
        roundSpreadPct: ((m.p75 - m.p25) / m.nsPerOp) * 100,
        samples: m.samples,
        rounds: REPS,
        ratio: m.nsPerOp / base.nsPerOp,
        ratioSpreadPct: ((m.p75 - m.p25) / m.nsPerOp) * 100,
        baseline: mode === 'fenced',
      });
    }
  }
  return {
    title: 'Worker threads on a SharedArrayBuffer BAR (ratio against fenced with the same number of readers)',
    baseline: 'fenced: plain read',
    spreadNote: 'spread = interquartile range of per-repetition means across readers',
    rows,
  };
}

export default suite;

await main(import.meta.url, suite);
