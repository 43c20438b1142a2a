import { Completion, Kernel, msleep, SanitizerPanic, type TimerEntry, timerEntry } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

const MS = 1_000_000;

/** A periodic timer on the bare clock: fires every `periodNs` and re-arms itself (as HRTIMER_RESTART). */
function periodic(k: Kernel, label: string, periodNs: number, fired: number[]): TimerEntry {
  const e: TimerEntry = timerEntry(label, 0, () => {
    fired.push(k.now);
    k.armTimer(e, k.now + periodNs);
  });
  k.armTimer(e, k.now + periodNs);
  return e;
}

// The vitest timeouts below only guard against a hang (the bug these tests pin); they assert nothing about speed.
describe('Kernel.exec settles when its task finishes', () => {
  it("returns fn's value while a periodic timer armed in fn stays armed", { timeout: 10_000 }, async () => {
    const k = new Kernel();
    const fired: number[] = [];
    const v = await k.exec('probe', () => {
      periodic(k, 'poll', 1 * MS, fired);
      return 42;
    });
    expect(v).toBe(42);
    expect(fired).toEqual([]); // exec ran nothing after the task returned
    expect(k.armedTimers).toBe(1);
    await k.runFor(3 * MS);
    expect(fired).toEqual([1 * MS, 2 * MS, 3 * MS]);
  });

  it('lets the timer run while the task sleeps, and returns when the task does', { timeout: 10_000 }, async () => {
    const k = new Kernel();
    const fired: number[] = [];
    const v = await k.exec('probe', async () => {
      periodic(k, 'poll', 1 * MS, fired);
      await msleep(k, 2); // 2 ms: the timer fires at 1 and 2 ms (the timer was armed first)
      return k.now;
    });
    expect(v).toBe(2 * MS);
    expect(fired).toEqual([1 * MS, 2 * MS]);
  });

  it('leaves other tasks where they are', async () => {
    const k = new Kernel();
    let helperDone = false;
    await k.exec('parent', () => {
      k.spawn('helper', async () => {
        await msleep(k, 5);
        helperDone = true;
      });
    });
    expect(helperDone).toBe(false);
    expect(k.allTasks.map((t) => t.name)).toEqual(['helper']);
    await k.run();
    expect(helperDone).toBe(true);
    expect(k.now).toBe(5 * MS);
  });

  it('rejects with the deadlock when the task can never finish, and files the report', {
    timeout: 10_000,
  }, async () => {
    const k = new Kernel();
    const never = new Completion(k, 'never');
    await expect(k.exec('stuck', () => never.waitForCompletion())).rejects.toThrow(
      /task stuck\/1 can never finish: deadlock \(stuck\/1 waiting on completion never\)/,
    );
    expect(k.reports.map((r) => r.kind)).toEqual(['deadlock']);
  });

  it('rejects naming the wait and the armed timers when only a timer keeps the world going', {
    timeout: 10_000,
  }, async () => {
    const k = new Kernel({ maxSteps: 1000 });
    const never = new Completion(k, 'never');
    const fired: number[] = [];
    const p = k.exec('stuck', async () => {
      periodic(k, 'edu_poll', 1 * MS, fired);
      await never.waitForCompletion();
    });
    await expect(p).rejects.toThrow(
      /task stuck\/1 still blocked on completion never after 1000 steps; 1 timer\(s\) armed: edu_poll @\d+ns/,
    );
    // 1000 loop iterations: #0 is the task step, then the odd ones jump the clock and the even ones fire: 2..998.
    expect(fired.length).toBe(499);
  });

  it("rejects with the task's own error", async () => {
    const k = new Kernel();
    const err = new Error('probe failed');
    await expect(
      k.exec('probe', () => {
        throw err;
      }),
    ).rejects.toBe(err);
  });

  it('rejects with the panic when a report is filed in panic mode', async () => {
    const k = new Kernel({ sanitizer: 'panic' });
    await expect(k.exec('probe', () => k.warn('edu', 'something odd'))).rejects.toBeInstanceOf(SanitizerPanic);
  });

  it('rejects when the task waits idle with nothing left to wake it', async () => {
    const k = new Kernel();
    await expect(k.exec('daemon', () => k.idleWait('work'))).rejects.toThrow(
      /task daemon\/1 can never finish: it waits on work and nothing is runnable or armed/,
    );
  });

  it('rejects a nested exec from inside a task without spawning it', async () => {
    const k = new Kernel();
    let inner: Promise<number> | null = null;
    await k.exec('outer', () => {
      inner = k.exec('inner', () => 1);
      inner.catch(() => undefined);
    });
    await expect(inner).rejects.toThrow(/already running/);
    expect(k.allTasks).toEqual([]);
  });
});
