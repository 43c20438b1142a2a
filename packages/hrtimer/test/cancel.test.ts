import {
  CLOCK_MONOTONIC,
  HRTIMER_NORESTART,
  HRTIMER_RESTART,
  HrTimer,
  HrtimerMode,
  hrtimerActive,
  hrtimerCallbackRunning,
  hrtimerCancel,
  hrtimerForwardNow,
  hrtimerGetExpires,
  hrtimerIsQueued,
  hrtimerSetup,
  hrtimerStart,
  hrtimerTryToCancel,
} from '@quiesce/hrtimer';
import { describe, expect, it } from 'vitest';
import { kernel, reportsOf } from './helpers.js';

describe('hrtimer_try_to_cancel', () => {
  it('0 when inactive (never started, or already expired)', async () => {
    const k = kernel();
    const t = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS, null);
    expect(hrtimerTryToCancel(t)).toBe(0);
    hrtimerStart(t, 10, HrtimerMode.ABS);
    await k.run();
    expect(hrtimerTryToCancel(t)).toBe(0);
  });

  it('1 when queued: dequeued, the callback never runs', async () => {
    const k = kernel();
    let ran = 0;
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      () => {
        ran++;
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 10, HrtimerMode.ABS);
    expect(hrtimerTryToCancel(t)).toBe(1);
    expect(hrtimerTryToCancel(t)).toBe(0);
    expect(hrtimerActive(t)).toBe(false);
    await k.run();
    expect(ran).toBe(0);
  });

  it('-1 while the callback runs on another CPU; the timer is left alone', async () => {
    const k = kernel();
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        hrtimerForwardNow(tm, 10_000);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
      { callbackSpanNs: 1000 },
    );
    let seen: { ret: number; running: boolean; queued: boolean; t: number } | null = null;
    k.spawn('arm', () => hrtimerStart(t, 100, HrtimerMode.ABS), 1);
    await k.runFor(500); // callback body ran at 100 on CPU 1, running until 1100
    k.spawn(
      'cancel',
      () => {
        seen = { running: hrtimerCallbackRunning(t), queued: hrtimerIsQueued(t), ret: hrtimerTryToCancel(t), t: k.now };
      },
      0,
    );
    await k.runFor(100);
    expect(seen).toEqual({ running: true, queued: false, ret: -1, t: 500 });
    // At the end of the span the RESTART re-queues it at the forwarded expiry 10100.
    await k.runFor(600); // now 1200
    expect(hrtimerCallbackRunning(t)).toBe(false);
    expect(hrtimerIsQueued(t)).toBe(true);
    expect(hrtimerGetExpires(t)).toBe(10_100);
    expect(hrtimerTryToCancel(t)).toBe(1);
    expect(t.expiries).toBe(1);
  });

  it("-1 from the timer's own callback (it is running)", async () => {
    const k = kernel();
    const rets: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        rets.push(hrtimerTryToCancel(tm));
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 10, HrtimerMode.ABS);
    await k.run();
    expect(rets).toEqual([-1]);
  });

  it('-1 even when the running callback has re-queued the timer (not dequeued)', async () => {
    const k = kernel();
    let ret: number | null = null;
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        hrtimerStart(tm, 5000, HrtimerMode.ABS);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
      { callbackSpanNs: 100 },
    );
    hrtimerStart(t, 10, HrtimerMode.ABS);
    await k.runFor(50);
    k.spawn('c', () => {
      ret = hrtimerTryToCancel(t);
    });
    await k.runFor(10);
    expect(ret).toBe(-1);
    expect(hrtimerIsQueued(t)).toBe(true);
  });
});

describe('hrtimer_cancel', () => {
  it('returns 1 for a queued timer, 0 for an idle one, without waiting', async () => {
    const k = kernel();
    const t = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS, null);
    hrtimerStart(t, 1000, HrtimerMode.ABS);
    const r = await k.exec('c', async () => [await hrtimerCancel(t), await hrtimerCancel(t), k.now]);
    expect(r).toEqual([1, 0, 0]);
    expect(t.expiries).toBe(0);
  });

  it('waits for a callback running on another CPU, then returns 0 (it did not restart)', async () => {
    const k = kernel();
    const t = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS, null, {
      callbackSpanNs: 300,
    });
    k.spawn('arm', () => hrtimerStart(t, 100, HrtimerMode.ABS), 1);
    await k.runFor(150);
    const task = k.spawn('cancel', async () => [await hrtimerCancel(t), k.now], 0);
    await k.run();
    expect(await task.result()).toEqual([0, 400]);
    expect(hrtimerActive(t)).toBe(false);
  });

  it('a re-arm by the callback (RESTART) during the wait is cancelled too: returns 1, never fires again', async () => {
    const k = kernel();
    const at: number[] = [];
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        at.push(k.now);
        tm.callbackSpanNs = 200;
        hrtimerStart(tm, 500, HrtimerMode.REL);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    k.spawn('arm', () => hrtimerStart(t, 100, HrtimerMode.ABS), 1);
    await k.runFor(150); // first run at 100, occupied until 300, re-armed for 600
    const task = k.spawn('cancel', async () => [await hrtimerCancel(t), k.now], 0);
    await k.run();
    expect(await task.result()).toEqual([1, 300]);
    expect(at).toEqual([100]);
    expect(hrtimerActive(t)).toBe(false);
    expect(k.armedTimers).toBe(0);
  });

  it('a plain RESTART (forwarded expiry) at the end of the running span during the wait is cancelled: returns 1', async () => {
    const k = kernel();
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        hrtimerForwardNow(tm, 1000);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
      { callbackSpanNs: 200 },
    );
    k.spawn('arm', () => hrtimerStart(t, 100, HrtimerMode.ABS), 1);
    await k.runFor(150);
    expect(hrtimerIsQueued(t)).toBe(false); // the re-enqueue waits for the end of the span
    const task = k.spawn('cancel', async () => [await hrtimerCancel(t), k.now], 0);
    await k.run();
    expect(await task.result()).toEqual([1, 300]);
    expect(t.expiries).toBe(1);
  });

  it('a start by a third task during the wait is cancelled too', async () => {
    const k = kernel({ cpus: 3 });
    const t = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS, null, {
      callbackSpanNs: 300,
    });
    k.spawn('arm', () => hrtimerStart(t, 100, HrtimerMode.ABS), 1);
    await k.runFor(150);
    const c = k.spawn('cancel', () => hrtimerCancel(t), 0);
    await k.runFor(10);
    k.spawn('rearm', () => hrtimerStart(t, 10_000, HrtimerMode.ABS), 2);
    await k.run();
    expect(await c.result()).toBe(1);
    expect(t.expiries).toBe(1);
    expect(hrtimerActive(t)).toBe(false);
  });

  it('from atomic context: a sleep-in-atomic report, one try without waiting', async () => {
    const k = kernel();
    const other = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.ABS, null);
    hrtimerStart(other, 1000, HrtimerMode.ABS);
    let ret: Promise<number> | null = null;
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      function stopper() {
        ret = hrtimerCancel(other);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 10, HrtimerMode.ABS);
    await k.run();
    expect(reportsOf(k, 'sleep-in-atomic')).toHaveLength(1);
    expect(reportsOf(k, 'sleep-in-atomic')[0]?.title).toContain('hrtimer_cancel');
    expect(await (ret as unknown as Promise<number>)).toBe(1);
    expect(other.expiries).toBe(0);
  });

  it('from its own callback: reported, and -1 (the kernel would spin forever)', async () => {
    const k = kernel();
    let ret: Promise<number> | null = null;
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        ret = hrtimerCancel(tm);
        return HRTIMER_NORESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.ABS,
      null,
    );
    hrtimerStart(t, 10, HrtimerMode.ABS);
    await k.run();
    expect(reportsOf(k, 'sleep-in-atomic')).toHaveLength(1);
    expect(await (ret as unknown as Promise<number>)).toBe(-1);
  });
});
