import {
  CLOCK_MONOTONIC,
  CLOCK_REALTIME,
  HRTIMER_NORESTART,
  HRTIMER_RESTART,
  HrTimer,
  HrtimerMode,
  hrtimerActive,
  hrtimerCallbackRunning,
  hrtimerForward,
  hrtimerForwardNow,
  hrtimerGetExpires,
  hrtimerGetRemaining,
  hrtimerGetSoftexpires,
  hrtimerIsQueued,
  hrtimerSetExpires,
  hrtimerSetup,
  hrtimerStart,
  hrtimerStartExpires,
  hrtimerStartRangeNs,
  hrtimerState,
} from '@quiesce/hrtimer';
import { describe, expect, it } from 'vitest';
import { kernel, reportsOf } from './helpers.js';

describe('hrtimer_setup / hrtimer_start / expiry', () => {
  it('ABS fires exactly at the expiry, once, in hardirq context', async () => {
    const k = kernel();
    const seen: { t: number; ctx: string; inIrq: boolean }[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      function poll() {
        seen.push({ t: k.now, ctx: k.contextInfo().kind, inIrq: k.inInterrupt() });
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 1000, HrtimerMode.ABS);
    expect(hrtimerIsQueued(t)).toBe(true);
    expect(hrtimerActive(t)).toBe(true);
    expect(hrtimerGetExpires(t)).toBe(1000);
    await k.run();
    expect(seen).toEqual([{ t: 1000, ctx: 'hardirq', inIrq: true }]);
    expect(hrtimerActive(t)).toBe(false);
    expect(t.expiries).toBe(1);
  });

  it('SOFT timers run in softirq context', async () => {
    const k = kernel();
    let ctx = '';
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        ctx = k.contextInfo().kind;
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.REL_SOFT,
      null,
    );
    expect(t.isSoft).toBe(true);
    hrtimerStart(t, 10, HrtimerMode.REL_SOFT);
    await k.run();
    expect(ctx).toBe('softirq');
    expect(reportsOf(k, 'warn')).toHaveLength(0);
  });

  it('REL adds now', async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        at.push(k.now);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.REL,
      null,
    );
    await k.runFor(500);
    hrtimerStart(t, 300, HrtimerMode.REL);
    expect(hrtimerGetExpires(t)).toBe(800);
    expect(hrtimerGetRemaining(t)).toBe(300);
    await k.run();
    expect(at).toEqual([800]);
    expect(hrtimerGetRemaining(t)).toBe(0);
  });

  it('hrtimer_start on a queued timer restarts it at the new expiry (fires once)', async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        at.push(k.now);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 100, HrtimerMode.ABS);
    hrtimerStart(t, 250, HrtimerMode.ABS);
    expect(k.armedTimers).toBe(1);
    await k.run();
    expect(at).toEqual([250]);
    // Earlier, too.
    hrtimerStart(t, 900, HrtimerMode.ABS);
    hrtimerStart(t, 400, HrtimerMode.ABS);
    await k.run();
    expect(at).toEqual([250, 400]);
  });

  it('an expiry in the past fires at once', async () => {
    const k = kernel();
    await k.runFor(1000);
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        at.push(k.now);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 10, HrtimerMode.ABS);
    expect(hrtimerGetRemaining(t)).toBe(-990);
    await k.run();
    expect(at).toEqual([1000]);
  });

  it('restart from the callback: forward by the period and RESTART makes a periodic timer', async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        at.push(k.now);
        if (at.length === 4) return HRTIMER_NORESTART;
        hrtimerForwardNow(tm, 100);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 100, HrtimerMode.ABS);
    await k.run();
    expect(at).toEqual([100, 200, 300, 400]);
    expect(hrtimerActive(t)).toBe(false);
  });

  it('the callback is marked running and not queued while it runs', async () => {
    const k = kernel();
    const states: [boolean, boolean, boolean][] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        states.push([hrtimerCallbackRunning(tm), hrtimerIsQueued(tm), hrtimerActive(tm)]);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 5, HrtimerMode.ABS);
    await k.run();
    expect(states).toEqual([[true, false, true]]);
    expect(hrtimerCallbackRunning(t)).toBe(false);
  });

  it('a callback that calls hrtimer_start itself stays queued even when it returns NORESTART', async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        at.push(k.now);
        if (at.length === 1) hrtimerStart(tm, 50, HrtimerMode.REL);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 10, HrtimerMode.ABS);
    await k.runFor(10);
    expect(at).toEqual([10]);
    expect(hrtimerIsQueued(t)).toBe(true);
    expect(hrtimerGetExpires(t)).toBe(60);
    await k.run();
    expect(at).toEqual([10, 60]);
  });

  it('RESTART while the callback already re-started it keeps the new expiry (no second enqueue)', async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        at.push(k.now);
        if (at.length === 1) {
          hrtimerStart(tm, 500, HrtimerMode.ABS);
          return HRTIMER_RESTART;
        }
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 10, HrtimerMode.ABS);
    await k.run();
    expect(at).toEqual([10, 500]);
  });

  it('RESTART without moving the expiry fires again at once (same virtual time)', async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        at.push(k.now);
        // Bounded: the fifth call stops the storm.
        return at.length < 5 ? HRTIMER_RESTART : HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 70, HrtimerMode.ABS);
    await k.run();
    expect(at).toEqual([70, 70, 70, 70, 70]);
  });

  it('hrtimer_start_range_ns: the callback runs at the soft expiry; the hard expiry is soft + slack', async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        at.push(k.now);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStartRangeNs(t, 1000, 250, HrtimerMode.ABS);
    expect(hrtimerGetSoftexpires(t)).toBe(1000);
    expect(hrtimerGetExpires(t)).toBe(1250);
    await k.run();
    expect(at).toEqual([1000]);
  });

  it('hrtimer_set_expires + hrtimer_start_expires arms at the set expiry', async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        at.push(k.now);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerSetExpires(t, 42);
    hrtimerStartExpires(t, HrtimerMode.ABS);
    await k.run();
    expect(at).toEqual([42]);
    expect(reportsOf(k, 'warn')).toHaveLength(0);
    hrtimerStart(t, 100, HrtimerMode.ABS);
    hrtimerSetExpires(t, 5);
    expect(reportsOf(k, 'warn')).toHaveLength(1);
  });

  it('a SOFT bit mismatch between setup and start warns once (WARN_ON_ONCE), the timer still starts', async () => {
    const k = kernel();
    const t = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS_SOFT, null);
    hrtimerStart(t, 10, HrtimerMode.ABS);
    hrtimerStart(t, 20, HrtimerMode.ABS);
    expect(reportsOf(k, 'warn')).toHaveLength(1);
    expect(hrtimerIsQueued(t)).toBe(true);
    await k.run();
    expect(t.expiries).toBe(1);
  });

  it('an invalid clock id warns and uses MONOTONIC; REALTIME with REL becomes MONOTONIC', () => {
    const k = kernel();
    const a = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, 42, HrtimerMode.ABS, null);
    expect(a.clockId).toBe(CLOCK_MONOTONIC);
    expect(reportsOf(k, 'warn').map((r) => r.detail)).toEqual(['Invalid clockid 42. Using MONOTONIC']);
    const b = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_REALTIME, HrtimerMode.REL, null);
    expect(b.clockId).toBe(CLOCK_MONOTONIC);
    const c = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_REALTIME, HrtimerMode.ABS, null);
    expect(c.clockId).toBe(CLOCK_REALTIME);
  });

  it('using a timer that was never set up outside any running kernel is a TypeError (nowhere to WARN)', () => {
    expect(() => hrtimerStart(new HrTimer(), 1, HrtimerMode.ABS)).toThrow(TypeError);
    expect(() => hrtimerStart(new HrTimer(), 1, HrtimerMode.ABS)).toThrow(/before hrtimer_setup/);
  });

  it('a NaN or infinite expiry is a TypeError naming tim (a ktime_t cannot hold it), and nothing is armed', () => {
    const k = kernel();
    const t = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS, null);
    expect(() => hrtimerStart(t, Number.NaN, HrtimerMode.ABS)).toThrow(TypeError);
    expect(() => hrtimerStart(t, Number.POSITIVE_INFINITY, HrtimerMode.REL)).toThrow(
      /hrtimer_start_range_ns: tim must be a finite number of ns, got Infinity/,
    );
    expect(hrtimerActive(t)).toBe(false);
    expect(k.armedTimers).toBe(0);
  });

  it('hrtimer_start on a timer never set up: WARN_ON_ONCE(!timer->function) in the running kernel, nothing armed', async () => {
    const k = kernel();
    const t = new HrTimer();
    await k.exec('driver', () => {
      hrtimerStart(t, 10, HrtimerMode.REL);
      hrtimerStart(t, 10, HrtimerMode.REL); // once per kernel
    });
    expect(reportsOf(k, 'warn').map((r) => r.detail)).toEqual([
      'kernel/time/hrtimer.c: hrtimer_start_range_ns: WARN_ON_ONCE(!timer->function)',
    ]);
    expect(k.armedTimers).toBe(0);
    expect(t.kernel).toBeNull();
  });

  it('re-setting up an active timer warns (ODEBUG init active) and dequeues it', async () => {
    const k = kernel();
    const t = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS, null);
    hrtimerStart(t, 10, HrtimerMode.ABS);
    hrtimerSetup(k, t, () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS, null);
    expect(reportsOf(k, 'warn')).toHaveLength(1);
    expect(hrtimerActive(t)).toBe(false);
    expect(k.armedTimers).toBe(0);
  });

  it('forwarding inside the callback of a running (not queued) timer does not warn', async () => {
    const k = kernel();
    const overruns: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        overruns.push(hrtimerForward(tm, k.now, 10));
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 100, HrtimerMode.ABS);
    await k.run();
    expect(overruns).toEqual([1]);
    expect(hrtimerGetExpires(t)).toBe(110);
    expect(reportsOf(k, 'warn')).toHaveLength(0);
  });
});

describe('per-CPU bases', () => {
  it('a timer goes on the base of the CPU that arms it and its callback runs there', async () => {
    const k = kernel({ cpus: 4 });
    const ran: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        ran.push(k.contextInfo().cpu);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    k.spawn('arm2', () => hrtimerStart(t, 100, HrtimerMode.ABS), 2);
    await k.run();
    expect(ran).toEqual([2]);
    k.spawn('arm3', () => hrtimerStart(t, 200, HrtimerMode.ABS_PINNED), 3);
    await k.run();
    expect(ran).toEqual([2, 3]);
    expect(t.cpu).toBe(3);
    expect(hrtimerState(k).bases[3]?.nrEvents).toBe(1);
    expect(hrtimerState(k).bases[2]?.nrEvents).toBe(1);
  });

  it('a timer whose callback is running is not migrated by a start from another CPU', async () => {
    const k = kernel();
    const ran: [number, number][] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        ran.push([k.contextInfo().cpu, k.now]);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
      { callbackSpanNs: 100 },
    );
    k.spawn('arm', () => hrtimerStart(t, 10, HrtimerMode.ABS), 1);
    await k.runFor(20); // callback ran at 10 on CPU 1, running until 110
    expect(hrtimerCallbackRunning(t)).toBe(true);
    k.spawn('rearm', () => hrtimerStart(t, 50, HrtimerMode.ABS), 0);
    await k.run();
    // Stays on CPU 1; the CPU is busy until 110, so the second expiry waits for the span's end.
    expect(ran).toEqual([
      [1, 10],
      [1, 110],
    ]);
    expect(t.cpu).toBe(1);
  });
});
