/** Small scenarios for the explorer's own tests (the toy BAR/timer race lives in scenarios/toy.mjs). */
import { FencedView, type Kernel, Mutex, timerEntry } from '@quiesce/core-devres';
import type { Scenario } from '@quiesce/explorer';

/** Two tasks, each one yield then exit: 6 interleavings, 2 with bound 0, 4 with bound 1. */
export const twoYielders: Scenario = {
  name: 'two-yielders',
  expect: 'clean',
  setup(k) {
    for (const name of ['A', 'B']) {
      k.spawn(name, async () => {
        await k.yield();
      });
    }
  },
};

/** A user dereferences driver data that a racing unbind sets to null: an oops in some schedules. */
export const nullDeref: Scenario = {
  name: 'null-deref',
  setup(k) {
    let data: { reg: number } | null = { reg: 7 };
    let sum = 0;
    k.spawn('user', async () => {
      await k.yield();
      sum += (data as { reg: number }).reg;
    });
    k.spawn('unbind', () => {
      data = null;
    });
    void sum;
  },
};

/** ABBA: two tasks take two mutexes in opposite order. */
export const abba: Scenario = {
  name: 'abba',
  expect: 'deadlock',
  setup(k) {
    const a = new Mutex(k, 'a');
    const b = new Mutex(k, 'b');
    const take = (first: Mutex, second: Mutex) => async () => {
      await first.lock();
      await k.yield();
      await second.lock();
      second.unlock();
      first.unlock();
    };
    k.spawn('t1', take(a, b));
    k.spawn('t2', take(b, a));
  },
};

/** Never goes idle: a task that yields forever. */
export const spinner: Scenario = {
  name: 'spinner',
  kernel: { maxSteps: 200 },
  setup(k) {
    k.spawn('spin', async () => {
      for (;;) await k.yield();
    });
  },
};

/** Two independent racy BARs: two distinct findings (collect-all mode). */
export const twoBars: Scenario = {
  name: 'two-bars',
  setup(k: Kernel) {
    for (const n of ['bar0', 'bar1']) {
      const bar = new FencedView(k, n, new DataView(new ArrayBuffer(8)));
      const t = timerEntry(`poll ${n}`, 0, () => k.runAtomic('softirq', 0, `poll ${n}`, () => bar.readl(0)));
      k.spawn(`user ${n}`, async () => {
        k.armTimer(t, k.now);
        await k.yield();
      });
      k.spawn(`unbind ${n}`, async () => {
        await k.yield();
        bar.release();
      });
    }
  },
};
