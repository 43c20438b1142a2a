import {
  Completion,
  Kernel,
  Mutex,
  msleep,
  SpinLock,
  sleepNs,
  timerEntry,
  usleepRange,
  WaitQueue,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

describe('Completion', () => {
  it('complete() lets exactly one waiter through; two completes in a row let two through', async () => {
    const k = new Kernel();
    const c = new Completion(k, 'done');
    let passed = 0;
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      k.spawn(`w${i}`, async () => {
        await c.waitForCompletion();
        passed++;
      });
    }
    k.spawn('completer', async () => {
      await msleep(k, 1); // every waiter is asleep by now
      c.complete();
      await msleep(k, 1);
      counts.push(passed);
      c.complete();
      c.complete();
      await msleep(k, 1);
      counts.push(passed);
    });
    const r = await k.run();
    expect(r.reason).toBe('idle');
    expect(counts).toEqual([1, 3]);
    expect(c.completionDone()).toBe(false); // all three completions consumed
  });

  it('completions are counted: complete() before anyone waits is kept for the next waiter', async () => {
    const k = new Kernel();
    const c = new Completion(k, 'early');
    c.complete();
    c.complete();
    expect(c.completionDone()).toBe(true);
    const at = await k.exec('w', async () => {
      await c.waitForCompletion();
      await c.waitForCompletion();
      return k.now;
    });
    expect(at).toBe(0);
    expect(c.completionDone()).toBe(false);
    expect(c.tryWaitForCompletion()).toBe(false);
  });

  it('completeAll() lets every waiter through, and later ones too, until reinit()', async () => {
    const k = new Kernel();
    const c = new Completion(k, 'all');
    let passed = 0;
    for (let i = 0; i < 4; i++) {
      k.spawn(`w${i}`, async () => {
        await c.waitForCompletion();
        passed++;
      });
    }
    k.spawn('completer', async () => {
      await msleep(k, 1);
      c.completeAll();
    });
    await k.run();
    expect(passed).toBe(4);
    expect(c.completionDone()).toBe(true);
    expect(c.tryWaitForCompletion()).toBe(true);
    expect(c.tryWaitForCompletion()).toBe(true);
    await k.exec('late', () => c.waitForCompletion());
    c.reinit();
    expect(c.completionDone()).toBe(false);
    expect(c.tryWaitForCompletion()).toBe(false);
  });

  it('tryWaitForCompletion consumes one completion without sleeping; completionDone does not consume', () => {
    const k = new Kernel();
    const c = new Completion(k, 'try');
    expect(c.tryWaitForCompletion()).toBe(false);
    expect(c.completionDone()).toBe(false);
    c.complete();
    expect(c.completionDone()).toBe(true);
    expect(c.completionDone()).toBe(true);
    expect(c.tryWaitForCompletion()).toBe(true);
    expect(c.tryWaitForCompletion()).toBe(false);
  });

  it('a waiter woken by a timer callback resumes at the callback time', async () => {
    const k = new Kernel();
    const c = new Completion(k, 'dma');
    k.armTimer(
      timerEntry('dma', 0, () => k.runAtomic('hardirq', 0, 'edu', () => c.complete())),
      100_000_000,
    );
    expect(
      await k.exec('w', async () => {
        await c.waitForCompletion();
        return k.now;
      }),
    ).toBe(100_000_000);
  });
});

describe('Mutex', () => {
  it('waiters acquire in arrival order, whatever the spawn order and the scheduling strategy', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const k = new Kernel({ strategy: 'random', seed });
      const m = new Mutex(k, 'edu_lock');
      const order: string[] = [];
      k.spawn('holder', async () => {
        await m.lock();
        order.push('holder');
        await msleep(k, 100);
        m.unlock();
      });
      // Spawned C, A, B but arriving at 1, 2, 3 ms as A, B, C.
      for (const [name, ms] of [
        ['C', 3],
        ['A', 1],
        ['B', 2],
      ] as const) {
        k.spawn(name, async () => {
          await msleep(k, ms);
          await m.lock();
          order.push(`${name}@${k.now}`);
          await msleep(k, 1);
          m.unlock();
        });
      }
      const r = await k.run();
      expect(r.reason).toBe('idle');
      // Holder unlocks at 100 ms; each later owner holds it 1 ms.
      expect(order).toEqual(['holder', 'A@100000000', 'B@101000000', 'C@102000000']);
    }
  });

  it('unlock hands the lock to the first waiter: the unlocker cannot barge back in', async () => {
    const k = new Kernel();
    const m = new Mutex(k, 'm');
    const order: string[] = [];
    let trylockAfterUnlock: boolean | null = null;
    k.spawn('A', async () => {
      await m.lock();
      order.push('A');
      await msleep(k, 1); // B and C queue up
      m.unlock();
      trylockAfterUnlock = m.trylock();
      expect(m.isLocked()).toBe(true); // owned by B already
      await m.lock();
      order.push('A again');
      m.unlock();
    });
    for (const name of ['B', 'C']) {
      k.spawn(name, async () => {
        await m.lock();
        order.push(name);
        m.unlock();
      });
    }
    await k.run();
    expect(order).toEqual(['A', 'B', 'C', 'A again']);
    expect(trylockAfterUnlock).toBe(false);
    expect(m.isLocked()).toBe(false);
  });

  it('mutual exclusion under random scheduling', async () => {
    for (const seed of [11, 12, 13]) {
      const k = new Kernel({ strategy: 'random', seed });
      const m = new Mutex(k, 'm');
      let inside = 0;
      let max = 0;
      let total = 0;
      for (let i = 0; i < 5; i++) {
        k.spawn(`t${i}`, () =>
          m.with(async () => {
            inside++;
            max = Math.max(max, inside);
            await k.yield();
            total++;
            inside--;
          }),
        );
      }
      await k.run();
      expect(max).toBe(1);
      expect(total).toBe(5);
    }
  });

  it('trylock, unlock by a non-owner warns, recursive locking warns', async () => {
    const k = new Kernel();
    const m = new Mutex(k, 'm');
    await k.exec('t', async () => {
      expect(m.trylock()).toBe(true);
      expect(m.trylock()).toBe(false);
      m.unlock();
      m.unlock(); // not locked
    });
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
    expect(k.reports[0]?.title).toContain('DEBUG_LOCKS_WARN_ON');
    expect(() => m.trylock()).toThrow(/outside a task/);

    const k2 = new Kernel();
    const m2 = new Mutex(k2, 'm2');
    k2.spawn('t', async () => {
      await m2.lock();
      await m2.lock(); // self-deadlock, as in the kernel
    });
    const r = await k2.run();
    expect(k2.reports[0]?.title).toContain('possible recursive locking detected');
    expect(r.reason).toBe('deadlock');
    expect(r.blocked[0]?.waitingOn).toBe('mutex m2');
  });
});

describe('WaitQueue', () => {
  it('waitEvent sleeps until the condition holds after a wakeUp', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    let flag = false;
    const woke: number[] = [];
    for (let i = 0; i < 2; i++) {
      k.spawn(`w${i}`, async () => {
        await wq.waitEvent(() => flag);
        woke.push(k.now);
      });
    }
    k.spawn('setter', async () => {
      await msleep(k, 1);
      expect(wq.waiters).toBe(2);
      wq.wakeUp(); // condition still false: both re-check and sleep again
      await msleep(k, 1);
      expect(woke).toEqual([]);
      flag = true;
      wq.wakeUp();
    });
    await k.run();
    expect(woke).toEqual([2_000_000, 2_000_000]);
    expect(wq.waiters).toBe(0);
  });

  it('a condition change without a wakeUp is not noticed (the sleeper stays asleep)', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'quiet');
    let flag = false;
    k.spawn('w', () => wq.waitEvent(() => flag));
    k.spawn('setter', async () => {
      await msleep(k, 1); // w is asleep by now
      flag = true;
    });
    const r = await k.run();
    expect(r.reason).toBe('deadlock');
    expect(r.blocked[0]?.waitingOn).toBe('quiet');
  });

  it('waitEvent is a scheduling point even when the condition already holds', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    const log: string[] = [];
    k.spawn('A', async () => {
      log.push('A0');
      await wq.waitEvent(() => true);
      log.push('A1');
    });
    k.spawn('B', () => {
      log.push('B');
    });
    await k.run();
    expect(log).toEqual(['A0', 'B', 'A1']);
  });

  it('wakeOne wakes the longest sleeper; consecutive wakeOne calls wake distinct sleepers', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    let tokens = 0;
    const got: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      k.spawn(name, async () => {
        await wq.waitEvent(() => tokens > 0);
        tokens--;
        got.push(name);
      });
    }
    k.spawn('giver', async () => {
      await msleep(k, 1);
      tokens = 2;
      wq.wakeOne();
      wq.wakeOne();
    });
    const r = await k.run();
    expect(got).toEqual(['first', 'second']);
    expect(r.reason).toBe('deadlock');
    expect(r.blocked.map((b) => b.name)).toEqual(['third']);
  });
});

describe('msleep and friends', () => {
  it('msleep / usleepRange / sleepNs sleep exactly that much virtual time', async () => {
    const k = new Kernel();
    const times = await k.exec('t', async () => {
      const out: number[] = [];
      await msleep(k, 5);
      out.push(k.now);
      await usleepRange(k, 100, 200);
      out.push(k.now);
      await sleepNs(k, 7);
      out.push(k.now);
      await sleepNs(k, 0);
      out.push(k.now);
      return out;
    });
    expect(times).toEqual([5_000_000, 5_100_000, 5_100_007, 5_100_007]);
    expect(k.armedTimers).toBe(0);
  });

  it('a spurious wake-up does not cut a sleep short', async () => {
    const k = new Kernel();
    const sleeper = k.spawn('sleeper', async () => {
      await msleep(k, 10);
      return k.now;
    });
    k.spawn('waker', async () => {
      await msleep(k, 3);
      k.wake(sleeper);
    });
    await k.run();
    expect(await sleeper.result()).toBe(10_000_000);
  });

  it("a negative timeout is schedule_timeout's answer: an error report, no sleep, the clock unmoved", async () => {
    const k = new Kernel();
    await k.exec('t', () => sleepNs(k, -1));
    expect(k.now).toBe(0);
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
    expect(k.reports[0]?.detail).toMatch(/wrong timeout value -1/);
  });

  it('a NaN or infinite timeout is a TypeError naming the function and argument', async () => {
    const k = new Kernel();
    await expect(k.exec('t', () => sleepNs(k, Number.NaN))).rejects.toThrow(TypeError);
    await expect(k.exec('t', () => sleepNs(k, Number.POSITIVE_INFINITY))).rejects.toThrow(
      /schedule_timeout: ns must be a finite number of ns, got Infinity/,
    );
    expect(k.now).toBe(0);
  });
});

describe('SpinLock', () => {
  it('holding it makes the task atomic; unlocking restores process context', async () => {
    const k = new Kernel();
    const s = new SpinLock(k, 'lock');
    await k.exec('t', () => {
      expect(k.inAtomic()).toBe(false);
      s.lock();
      expect(k.inAtomic()).toBe(true);
      expect(k.current?.preemptCount).toBe(1);
      s.unlock();
      expect(k.inAtomic()).toBe(false);
      expect(k.current?.preemptCount).toBe(0);
    });
  });

  it('recursion and double unlock warn', () => {
    const k = new Kernel();
    const s = new SpinLock(k, 'lock');
    s.lock();
    s.lock();
    s.unlock();
    s.unlock();
    expect(k.reports.map((r) => r.title)).toEqual([
      'WARNING: BUG: spinlock recursion on lock',
      'WARNING: BUG: spinlock already unlocked on lock',
    ]);
  });
});
