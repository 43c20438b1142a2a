import {
  Completion,
  HZ,
  jiffies,
  jiffiesToMsecs,
  Kernel,
  MAX_JIFFY_OFFSET,
  MAX_SCHEDULE_TIMEOUT,
  msecsToJiffies,
  msleep,
  scheduleTimeoutUninterruptible,
  TICK_NSEC,
  usecsToJiffies,
  WaitQueue,
  waitEventInterruptibleTimeout,
  waitEventTimeout,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

const MS = 1_000_000;

describe('jiffies', () => {
  it('HZ is 250: a jiffy is 4 ms, conversions round up, negative means forever', () => {
    expect(HZ).toBe(250);
    expect(TICK_NSEC).toBe(4 * MS);
    expect([msecsToJiffies(0), msecsToJiffies(1), msecsToJiffies(4), msecsToJiffies(5), msecsToJiffies(100)]).toEqual([
      0, 1, 1, 2, 25,
    ]);
    expect(usecsToJiffies(4001)).toBe(2);
    expect(msecsToJiffies(-1)).toBe(MAX_JIFFY_OFFSET);
    expect(jiffiesToMsecs(25)).toBe(100);
    expect(Number.isFinite(MAX_SCHEDULE_TIMEOUT) && Number.isSafeInteger(MAX_JIFFY_OFFSET)).toBe(true);
    expect(MAX_JIFFY_OFFSET).toBeLessThan(MAX_SCHEDULE_TIMEOUT);
  });

  it('jiffies counts whole ticks of virtual time', async () => {
    const k = new Kernel();
    await k.exec('t', () => msleep(k, 10));
    expect(jiffies(k)).toBe(2);
  });
});

function waker(k: Kernel, wq: WaitQueue, atMs: number, flag: { v: boolean }): void {
  k.spawn('waker', async () => {
    await msleep(k, atMs);
    flag.v = true;
    wq.wakeUp();
  });
}

describe('wait_event_timeout', () => {
  it('woken with the condition true: the jiffies left (25 - 2 after 10 ms)', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    const flag = { v: false };
    waker(k, wq, 10, flag);
    const r = await k.exec('waiter', () => waitEventTimeout(k, wq, () => flag.v, msecsToJiffies(100)));
    expect(r).toBe(23);
    expect(k.now).toBe(10 * MS);
  });

  it('timeout with the condition false: 0, after exactly the timeout from a tick boundary', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    const r = await k.exec('waiter', () => waitEventTimeout(k, wq, () => false, 5));
    expect(r).toBe(0);
    expect(k.now).toBe(5 * TICK_NSEC);
  });

  it('from the middle of a tick the timer still expires on a tick boundary (between t-1 and t jiffies)', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    const r = await k.exec('waiter', async () => {
      await msleep(k, 6); // jiffy 1, 2 ms into it
      return waitEventTimeout(k, wq, () => false, 5);
    });
    expect(r).toBe(0);
    expect(k.now).toBe(24 * MS); // expiry at jiffy 1 + 5 = 6
  });

  it('the condition became true just as the timeout elapsed: 1', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    const r = await k.exec('waiter', () => waitEventTimeout(k, wq, () => k.now >= 20 * MS, 5));
    expect(r).toBe(1);
  });

  it('already true: the full timeout (1 for a timeout of 0); false with timeout 0: 0 at once', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    const rs = await k.exec('waiter', async () => [
      await waitEventTimeout(k, wq, () => true, 25),
      await waitEventTimeout(k, wq, () => true, 0),
      await waitEventTimeout(k, wq, () => false, 0),
    ]);
    expect(rs).toEqual([25, 1, 0]);
    expect(k.now).toBe(0);
  });

  it('MAX_SCHEDULE_TIMEOUT waits for ever and returns MAX_SCHEDULE_TIMEOUT when the condition comes true', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    const flag = { v: false };
    waker(k, wq, 1000, flag);
    const r = await k.exec('waiter', () => waitEventTimeout(k, wq, () => flag.v, MAX_SCHEDULE_TIMEOUT));
    expect(r).toBe(MAX_SCHEDULE_TIMEOUT);
    expect(k.now).toBe(1000 * MS);
  });

  it('a wake-up with the condition still false keeps waiting on the same deadline', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    k.spawn('noise', async () => {
      await msleep(k, 8);
      wq.wakeUp(); // spurious: condition still false
    });
    const r = await k.exec('waiter', () => waitEventTimeout(k, wq, () => false, 10));
    expect(r).toBe(0);
    expect(k.now).toBe(40 * MS);
  });

  it('the interruptible form returns the same values and never -ERESTARTSYS (no signals)', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    const flag = { v: false };
    waker(k, wq, 10, flag);
    const r = await k.exec('waiter', async () => [
      await waitEventInterruptibleTimeout(k, wq, () => flag.v, msecsToJiffies(100)),
      await waitEventInterruptibleTimeout(k, wq, () => false, 2),
    ]);
    expect(r).toEqual([23, 0]);
  });

  it('from atomic context: sleep-in-atomic and no wait', () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    let p: Promise<number> | undefined;
    k.runAtomic('hardirq', 0, 'irq', () => {
      p = waitEventTimeout(k, wq, () => false, 10);
    });
    expect(k.reports.map((r) => r.kind)).toEqual(['sleep-in-atomic']);
    return expect(p).resolves.toBe(0);
  });

  it('bad arguments: TypeError for a non-integer timeout or a non-function condition; a negative timeout is an error and 0', async () => {
    const k = new Kernel();
    const wq = new WaitQueue(k, 'wq');
    await expect(k.exec('t', () => waitEventTimeout(k, wq, () => false, 1.5))).rejects.toThrow(/timeout/);
    await expect(k.exec('t', () => waitEventTimeout(k, wq, 3 as never, 1))).rejects.toThrow(/condition/);
    const r = await k.exec('t', () => waitEventTimeout(k, wq, () => false, -3));
    expect(r).toBe(0);
    expect(k.reports.map((x) => x.title)).toEqual(['WARNING: schedule_timeout: wrong timeout value -3']);
  });
});

describe('wait_for_completion_timeout', () => {
  it('completed after 10 ms of a 100 ms timeout: 23 jiffies left; the completion is consumed', async () => {
    const k = new Kernel();
    const c = new Completion(k, 'done');
    k.spawn('completer', async () => {
      await msleep(k, 10);
      c.complete();
    });
    const r = await k.exec('waiter', async () => [
      await c.waitForCompletionTimeout(msecsToJiffies(100)),
      await c.waitForCompletionTimeout(3),
    ]);
    expect(r).toEqual([23, 0]);
    expect(k.now).toBe(5 * TICK_NSEC); // the second wait starts in jiffy 2 and expires at jiffy 2 + 3
  });

  it('already completed: the full timeout, or 1 for a timeout of 0; not completed with 0: 0', async () => {
    const k = new Kernel();
    const c = new Completion(k, 'done');
    c.complete();
    c.complete();
    const r = await k.exec('w', async () => [
      await c.waitForCompletionTimeout(7),
      await c.waitForCompletionTimeout(0),
      await c.waitForCompletionTimeout(0),
    ]);
    expect(r).toEqual([7, 1, 0]);
  });

  it('complete_all lets every timed waiter through with time left', async () => {
    const k = new Kernel();
    const c = new Completion(k, 'done');
    const a = k.spawn('a', () => c.waitForCompletionTimeout(10));
    const b = k.spawn('b', () => c.waitForCompletionTimeout(10));
    k.spawn('all', async () => {
      await msleep(k, 4);
      c.completeAll();
    });
    await k.run();
    expect([await a.result(), await b.result()]).toEqual([9, 9]);
  });
});

describe('schedule_timeout_uninterruptible', () => {
  it('sleeps the timeout and returns 0', async () => {
    const k = new Kernel();
    const r = await k.exec('t', () => scheduleTimeoutUninterruptible(k, 3));
    expect(r).toBe(0);
    expect(k.now).toBe(12 * MS);
  });
});
