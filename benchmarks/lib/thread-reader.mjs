// Worker for the threads suite: reads a SharedArrayBuffer "BAR" in one of
// three disciplines and reports ns per read, per repetition.
import { parentPort, workerData } from 'node:worker_threads';

const { bar, ctl, mode, reader, ops, reps, go } = workerData;
const view = new DataView(bar);
const flag = new Int32Array(ctl, 0, 1); // 0 = live, 1 = revoked
const counters = new Int32Array(ctl); // per-reader lock/unlock counters, one cache line apart
const lockIdx = 16 * (reader + 1);
const unlockIdx = lockIdx + 1;
const start = new Int32Array(go);
const words = bar.byteLength >> 2;

function fenced(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += view.getUint32(((i * 7) % words) << 2, true);
  return s;
}
function atomicFlag(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (Atomics.load(flag, 0) !== 0) return -1;
    s += view.getUint32(((i * 7) % words) << 2, true);
  }
  return s;
}
function srcu(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    Atomics.add(counters, lockIdx, 1); // srcu_read_lock: this reader's counter
    if (Atomics.load(flag, 0) === 0) s += view.getUint32(((i * 7) % words) << 2, true);
    Atomics.add(counters, unlockIdx, 1); // srcu_read_unlock
  }
  return s;
}
const body = mode === 'fenced' ? fenced : mode === 'atomic-flag' ? atomicFlag : srcu;

body(ops >> 3); // warm up
Atomics.add(start, 0, 1);
Atomics.notify(start, 0);
while (Atomics.load(start, 1) === 0) Atomics.wait(start, 1, 0, 50);
const results = [];
let sink = 0;
for (let r = 0; r < reps; r++) {
  const t0 = process.hrtime.bigint();
  sink += body(ops);
  const t1 = process.hrtime.bigint();
  results.push(Number(t1 - t0) / ops);
}
parentPort.postMessage({ results, sink });
