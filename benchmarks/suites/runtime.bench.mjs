// Issue 2: the runtime itself. Context switches per second, and timer-queue
// arm+cancel per second with 10^3 .. 10^6 timers already armed (the cost
// must grow like log n: a binary heap, not a sorted array).
import { Kernel, Mutex, Rng, SpinLock, timerEntry } from '@quiesce/core-devres';
import { isMain, main, printSuite, quick, runSuite, sink } from '../lib/harness.mjs';

const SWITCHES = 2000;

async function pingPong() {
  const k = new Kernel({ trace: false, sanitizer: 'off' });
  for (let t = 0; t < 2; t++) {
    k.spawn(`t${t}`, async () => {
      for (let i = 0; i < SWITCHES / 2; i++) await k.yield();
    });
  }
  const r = await k.run();
  sink.n += r.steps;
}

function armedQueue(n) {
  const k = new Kernel({ trace: false, sanitizer: 'off' });
  const rng = new Rng(42);
  for (let i = 0; i < n; i++)
    k.armTimer(
      timerEntry('filler', 0, () => {}),
      1 + rng.below(1e9),
    );
  return { k, rng };
}

const ARM_OPS = 1000;

// Issue 14: what a lock costs with lockdep off (one field test per lock and
// unlock) and on. mutex_lock is a scheduling point (a yield), so one op is
// lock + unlock in a task, context switch included; a spinlock is a plain call.
const LOCK_OPS = 1000;

async function mutexLoop(lockdep) {
  const k = new Kernel({ trace: false, sanitizer: 'off', lockdep });
  const outer = new Mutex(k, 'outer');
  const inner = new Mutex(k, 'inner');
  k.spawn('locker', async () => {
    await outer.lock();
    for (let i = 0; i < LOCK_OPS; i++) {
      await inner.lock();
      inner.unlock();
    }
    outer.unlock();
  });
  const r = await k.run();
  sink.n += r.steps;
}

function spinWorld(lockdep) {
  const k = new Kernel({ trace: false, sanitizer: 'off', lockdep });
  return { outer: new SpinLock(k, 'outer'), inner: new SpinLock(k, 'inner') };
}

export async function suite() {
  const sizes = quick ? [1e3, 1e5] : [1e3, 1e5, 1e6];
  const worlds = sizes.map((n) => ({
    n,
    ...armedQueue(n),
    entries: Array.from({ length: ARM_OPS }, () => timerEntry('probe', 0, () => {})),
  }));
  const tasks = [
    { name: `context switch (2 tasks, ${SWITCHES} yields)`, ops: SWITCHES, fn: pingPong, baseline: true },
    ...[false, true].map((lockdep) => ({
      name: `mutex lock+unlock under another mutex, lockdep ${lockdep ? 'on' : 'off'}`,
      ops: LOCK_OPS,
      fn: () => mutexLoop(lockdep),
    })),
    ...[false, true].map((lockdep) => {
      const w = spinWorld(lockdep);
      return {
        name: `spin_lock+unlock under another spinlock, lockdep ${lockdep ? 'on' : 'off'}`,
        ops: LOCK_OPS,
        fn: () => {
          w.outer.lock();
          for (let i = 0; i < LOCK_OPS; i++) {
            w.inner.lock();
            w.inner.unlock();
          }
          w.outer.unlock();
        },
      };
    }),
    // Worst case: a timer earlier than all others sifts up the whole height
    // when armed, and its removal sifts the last leaf down the whole height.
    ...worlds.map((w) => ({
      name: `arm+cancel earliest, ${w.n.toExponential(0)} armed`,
      ops: ARM_OPS,
      fn: () => {
        const { k, entries } = w;
        for (let i = 0; i < ARM_OPS; i++) {
          k.armTimer(entries[i], 0);
          k.cancelTimer(entries[i]);
        }
        sink.n += k.armedTimers;
      },
    })),
    // Typical case: random expiries settle near the leaves (O(1) on average).
    ...worlds.map((w) => ({
      name: `arm+cancel random, ${w.n.toExponential(0)} armed`,
      ops: ARM_OPS,
      fn: () => {
        const { k, rng, entries } = w;
        for (let i = 0; i < ARM_OPS; i++) k.armTimer(entries[i], 1 + rng.below(1e9));
        for (let i = 0; i < ARM_OPS; i++) k.cancelTimer(entries[i]);
        sink.n += k.armedTimers;
      },
    })),
  ];
  const s = await runSuite('Runtime: context switches and timer queue (core-devres)', tasks, { rounds: 3 });
  for (const r of s.rows) r.perSecond = 1e9 / r.nsPerOp;
  // log n check: cost per op divided by log2(n) should stay roughly flat.
  s.logCheck = s.rows
    .filter((r) => r.name.startsWith('arm+cancel earliest'))
    .map((r, i) => ({ n: worlds[i].n, nsPerOp: r.nsPerOp, nsPerLog2n: r.nsPerOp / Math.log2(worlds[i].n) }));
  return s;
}

export default suite;

if (isMain(import.meta.url) && process.argv.includes('--json')) {
  await main(import.meta.url, suite);
} else if (isMain(import.meta.url)) {
  const s = await suite();
  printSuite(s);
  for (const r of s.rows)
    console.log(`${r.name.padEnd(44)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(14)} /s`);
  console.log('\nworst-case arm+cancel against log2(n) (a flat right column = O(log n)):');
  for (const c of s.logCheck)
    console.log(
      `  n=${c.n.toExponential(0).padEnd(6)} ${c.nsPerOp.toFixed(1).padStart(8)} ns/op  ${c.nsPerLog2n.toFixed(2).padStart(6)} ns per log2(n)`,
    );
}
