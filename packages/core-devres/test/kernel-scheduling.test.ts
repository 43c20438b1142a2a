import { Completion, Kernel, KernelLocal, msleep, timerEntry } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

describe('tasks', () => {
  it('runs one task at a time and switches only at kernel awaits', async () => {
    const k = new Kernel();
    const log: string[] = [];
    for (const name of ['A', 'B']) {
      k.spawn(name, async () => {
        // Two pushes with no await between them are never split.
        log.push(`${name}0`, `${name}0'`);
        await k.yield();
        log.push(`${name}1`, `${name}1'`);
      });
    }
    const r = await k.run();
    expect(r.reason).toBe('idle');
    expect(log).toEqual(['A0', "A0'", 'B0', "B0'", 'A1', "A1'", 'B1', "B1'"]);
  });

  it('k.current is the running task; null outside the simulation and in atomic context', async () => {
    const k = new Kernel();
    expect(k.current).toBeNull();
    const seen: (string | null)[] = [];
    const t = k.spawn('worker', async () => {
      seen.push(k.current?.name ?? null);
      k.runAtomic('hardirq', 0, 'irq', () => {
        seen.push(k.current?.name ?? null);
        expect(k.inInterrupt()).toBe(true);
        expect(k.contextInfo()).toEqual({ kind: 'hardirq', name: 'irq', pid: 0, cpu: 0 });
      });
      seen.push(k.current?.name ?? null);
    });
    await k.run();
    expect(seen).toEqual(['worker', null, 'worker']);
    expect(t.state).toBe('done');
    expect(k.current).toBeNull();
  });

  it('assigns pids from 1 and CPUs round-robin', () => {
    const k = new Kernel({ cpus: 2 });
    const ts = [k.spawn('a', () => 0), k.spawn('b', () => 0), k.spawn('c', () => 0), k.spawn('d', () => 0, 1)];
    expect(ts.map((t) => t.pid)).toEqual([1, 2, 3, 4]);
    expect(ts.map((t) => t.cpu)).toEqual([0, 1, 0, 1]);
  });

  it('exec returns the task result and rethrows its error', async () => {
    const k = new Kernel();
    expect(await k.exec('ok', async () => 42)).toBe(42);
    await expect(
      k.exec('bad', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it('join waits for another task and returns its result', async () => {
    const k = new Kernel();
    const child = k.spawn('child', async () => {
      await msleep(k, 3);
      return 'done';
    });
    const got = await k.exec('parent', async () => {
      const v = await k.join(child);
      return `${v}@${k.now}`;
    });
    expect(got).toBe('done@3000000');
  });

  it('rejects invalid cpus, nested run and sleeping outside a task', async () => {
    expect(() => new Kernel({ cpus: 0 })).toThrow(RangeError);
    const k = new Kernel();
    expect(() => k.mightSleep('msleep')).toThrow(/outside a kernel task/);
    await expect(msleep(k, 1)).rejects.toThrow(/outside a kernel task/);
    await expect(k.exec('nested', () => k.run())).rejects.toThrow(/already running/);
  });

  it('KernelLocal is a per-kernel singleton, created once per kernel on first use', () => {
    let created = 0;
    const slot = new KernelLocal((k: Kernel) => ({ n: ++created, cpus: k.cpus }));
    const k1 = new Kernel({ cpus: 1 });
    const k2 = new Kernel({ cpus: 3 });
    expect(created).toBe(0);
    const a = slot.get(k1);
    expect(slot.get(k1)).toBe(a);
    expect(a).toEqual({ n: 1, cpus: 1 });
    expect(slot.get(k2)).toEqual({ n: 2, cpus: 3 });
    expect(created).toBe(2);
  });
});

describe('virtual time', () => {
  it('jumps straight to the next expiry: nothing runs in between and now equals the expiry', async () => {
    const k = new Kernel();
    const fired: number[] = [];
    k.armTimer(
      timerEntry('t5000', 0, () => fired.push(k.now)),
      5000,
    );
    k.armTimer(
      timerEntry('t1000', 0, () => fired.push(k.now)),
      1000,
    );
    const r = await k.run();
    expect(fired).toEqual([1000, 5000]);
    expect(r).toMatchObject({ reason: 'idle', now: 5000 });
    // Two atomic events and nothing else: no step was spent waiting for time.
    expect(k.totalSteps).toBe(2);
    expect(k.traceLog.filter((e) => e.ev === 'fire').map((e) => [e.t, e.detail])).toEqual([
      [1000, 't1000'],
      [5000, 't5000'],
    ]);
  });

  it('sleeping tasks wake in expiry order at exactly their expiry', async () => {
    const k = new Kernel();
    const log: string[] = [];
    k.spawn('long', async () => {
      await msleep(k, 7);
      log.push(`long@${k.now}`);
    });
    k.spawn('short', async () => {
      await msleep(k, 2);
      log.push(`short@${k.now}`);
    });
    await k.run();
    expect(log).toEqual(['short@2000000', 'long@7000000']);
  });

  it('timers due at the same instant fire in arming order', async () => {
    const k = new Kernel();
    const log: string[] = [];
    for (const name of ['x', 'y', 'z'])
      k.armTimer(
        timerEntry(name, 0, () => log.push(name)),
        100,
      );
    await k.run();
    expect(log).toEqual(['x', 'y', 'z']);
  });

  it('a timer at KTIME_MAX (saturated "forever") never fires: run goes idle with the clock where it was', async () => {
    const k = new Kernel();
    const fired: number[] = [];
    k.armTimer(
      timerEntry('forever', 0, () => fired.push(k.now)),
      1e300, // saturates at KTIME_MAX (2^53 - 1 ns here), as ktime_add_safe()
    );
    const r = await k.run();
    expect(r).toMatchObject({ reason: 'idle', now: 0 });
    expect(fired).toEqual([]);
    expect(k.armedTimers).toBe(1);
    // Earlier timers still fire; with only the "forever" one left the world is idle at the limit.
    k.armTimer(
      timerEntry('soon', 0, () => fired.push(k.now)),
      500,
    );
    expect(await k.runFor(1_000)).toMatchObject({ reason: 'idle', now: 1_000 });
    expect(fired).toEqual([500]);
  });

  it('runFor ends at now + ns and leaves later timers armed', async () => {
    const k = new Kernel();
    const fired: number[] = [];
    k.armTimer(
      timerEntry('late', 0, () => fired.push(k.now)),
      25_000,
    );
    const r1 = await k.runFor(10_000);
    expect(r1).toMatchObject({ reason: 'time-limit', now: 10_000 });
    expect(k.now).toBe(10_000);
    expect(fired).toEqual([]);
    expect(k.armedTimers).toBe(1);
    const r2 = await k.runFor(20_000);
    expect(fired).toEqual([25_000]);
    expect(r2.now).toBe(30_000);
    expect(k.now).toBe(30_000);
    const r3 = await k.advance(5);
    expect(r3.now).toBe(30_005);
    expect(() => k.runFor(-1)).toThrow(RangeError);
  });

  it('run() gives up after maxSteps when a periodic timer never lets it go idle', async () => {
    const k = new Kernel({ maxSteps: 50 });
    const e = timerEntry('periodic', 0, () => k.armTimer(e, k.now + 10));
    k.armTimer(e, 10);
    await expect(k.run()).rejects.toThrow(/runFor/);
    // runFor bounds it instead: fires at 10, 20, ..., 100.
    const k2 = new Kernel();
    let n = 0;
    const e2 = timerEntry('periodic', 0, () => {
      n++;
      k2.armTimer(e2, k2.now + 10);
    });
    k2.armTimer(e2, 10);
    await k2.runFor(100);
    expect(n).toBe(10);
  });
});

describe('atomic events', () => {
  it('raise runs the callback in hardirq context at the current time', async () => {
    const k = new Kernel();
    const seen: string[] = [];
    await k.exec('t', async () => {
      await msleep(k, 1);
      k.raise('edu', 1, () => {
        const c = k.contextInfo();
        seen.push(`${c.kind} ${c.name} cpu${c.cpu} @${k.now} atomic=${k.inAtomic()}`);
      });
    });
    expect(seen).toEqual([]); // exec returned when its task exited: the event is still queued
    await k.run();
    expect(seen).toEqual(['hardirq edu cpu1 @1000000 atomic=true']);
  });

  it('occupyCpu makes later events of that CPU wait for the end of the span, other CPUs go on', async () => {
    const k = new Kernel();
    const log: string[] = [];
    k.raise('a', 0, () => {
      log.push(`a@${k.now}`);
      k.occupyCpu(0, 100, 'a', () => log.push(`a-end@${k.now}`));
    });
    k.raise('b', 0, () => log.push(`b@${k.now}`));
    k.raise('c', 1, () => log.push(`c@${k.now}`));
    await k.run();
    expect(log).toEqual(['a@0', 'c@0', 'a-end@100', 'b@100']);
  });

  it('warn files a WARN report and execution goes on', () => {
    const k = new Kernel();
    k.warn('res', 'something odd');
    expect(k.reports).toHaveLength(1);
    expect(k.reports[0]).toMatchObject({ kind: 'warn', title: 'WARNING: something odd', resource: 'res' });
    expect(k.traceLog.at(-1)).toMatchObject({ ev: 'warn', detail: 'something odd', ctx: 'kernel' });
  });
});

describe('deadlock', () => {
  it('two tasks waiting on completions nobody completes: reason deadlock and a report naming both', async () => {
    const k = new Kernel();
    const a = new Completion(k, 'a_done');
    const b = new Completion(k, 'b_done');
    k.spawn('A', async () => {
      await a.waitForCompletion();
      b.complete();
    });
    k.spawn('B', async () => {
      await b.waitForCompletion();
      a.complete();
    });
    const r = await k.run();
    expect(r.reason).toBe('deadlock');
    expect(r.blocked).toEqual([
      { pid: 1, name: 'A', waitingOn: 'completion a_done' },
      { pid: 2, name: 'B', waitingOn: 'completion b_done' },
    ]);
    const reps = k.sanitizer.byKind('deadlock');
    expect(reps).toHaveLength(1);
    const rep = reps[0];
    expect(rep?.title).toContain('A/1');
    expect(rep?.detail).toBe(
      '2 task(s) blocked: A/1 waiting on completion a_done since 0 ns; B/2 waiting on completion b_done since 0 ns',
    );
    expect(rep?.resource).toBe('completion a_done, completion b_done');
    expect(k.traceLog.some((e) => e.ev === 'deadlock')).toBe(true);
  });

  it('a blocked task is not a deadlock while a timer can still wake it', async () => {
    const k = new Kernel();
    const c = new Completion(k, 'irq');
    k.armTimer(
      timerEntry('dev', 0, () => c.complete()),
      10_000,
    );
    let at = -1;
    k.spawn('waiter', async () => {
      await c.waitForCompletion();
      at = k.now;
    });
    const r = await k.run();
    expect(r.reason).toBe('idle');
    expect(at).toBe(10_000);
    expect(k.reports).toEqual([]);
  });

  it('idle-waiting daemons do not count as deadlocked, and k.wake resumes them', async () => {
    const k = new Kernel();
    let woke = 0;
    const daemon = k.spawn('kworker/0:0', async () => {
      for (;;) {
        await k.idleWait('worker_thread');
        woke++;
        if (woke === 2) return;
      }
    });
    const r = await k.run();
    expect(r).toMatchObject({ reason: 'idle', blocked: [] });
    expect(k.reports).toEqual([]);
    expect(daemon.state).toBe('blocked');
    expect(daemon.idle).toBe(true);
    k.wake(daemon);
    await k.run();
    expect(woke).toBe(1);
    expect(daemon.idle).toBe(true);
    k.wake(daemon);
    await k.run();
    expect(daemon.state).toBe('done');
  });

  it('an idle daemon next to a really stuck task: only the stuck one is named', async () => {
    const k = new Kernel();
    const c = new Completion(k, 'never');
    k.spawn('kworker', () => k.idleWait('worker_thread'));
    k.spawn('stuck', () => c.waitForCompletion());
    const r = await k.run();
    expect(r.reason).toBe('deadlock');
    expect(r.blocked).toEqual([{ pid: 2, name: 'stuck', waitingOn: 'completion never' }]);
  });
});
