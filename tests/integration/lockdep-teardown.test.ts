/**
 * The teardown dependencies drivers get wrong (issue 14, lockdep), in driver
 * code: cancel_work_sync under a lock the work takes; hrtimer_cancel under a
 * spinlock the callback takes; flushing a work from the work itself; and a
 * task blocked for ever behind a periodic timer (hung-task in virtual time).
 */
import { Completion, Kernel, Mutex, type SanitizerReport, SpinLock } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  HRTIMER_MODE_REL,
  HRTIMER_RESTART,
  HrTimer,
  hrtimerCancel,
  hrtimerForwardNow,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { allocWork, allocWorkqueue, cancelWorkSync, flushWork, initWork, queueWork } from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';

const kinds = (k: Kernel) => k.reports.map((r) => r.kind);
const only = (k: Kernel, kind: string) => k.reports.filter((r) => r.kind === kind) as SanitizerReport[];

/** A driver whose refresh work takes `state_lock`; remove() cancels the work with `state_lock` held. */
function stateDriver(k: Kernel) {
  const stateLock = new Mutex(k, 'state_lock');
  const wq = allocWorkqueue(k, 'drv_wq');
  if (wq === null) throw new Error('alloc_workqueue failed');
  const dev = { stateLock, wq, state: 0, work: allocWork(k) };
  initWork(dev.work, async function drv_refresh() {
    await stateLock.lock();
    dev.state++;
    stateLock.unlock();
  });
  return dev;
}

async function buggyRemove(dev: ReturnType<typeof stateDriver>): Promise<void> {
  await dev.stateLock.lock();
  dev.state = -1;
  await cancelWorkSync(dev.work); // the bug: the work may be waiting for state_lock
  dev.stateLock.unlock();
}

describe('cancel_work_sync under a lock the work takes', () => {
  it('lockdep reports the cycle in a schedule where the work ran long before remove', async () => {
    const k = new Kernel({ lockdep: true });
    const dev = stateDriver(k);
    queueWork(dev.wq, dev.work);
    await k.run(); // the work ran to its end: nobody will wait in cancel_work_sync
    await k.exec('remove', () => buggyRemove(dev));
    expect(only(k, 'deadlock')).toEqual([]);
    const [rep] = only(k, 'possible-circular-locking');
    expect(rep?.resource).toBe('(work_completion)drv_refresh -> state_lock');
    expect(rep?.detail).toMatch(
      /^remove\/\d+ is trying to acquire lock:\n \(\(work_completion\)drv_refresh\) at: cancel_work_sync/,
    );
    expect(rep?.stacks.access).toMatch(/buggyRemove/);
    expect(rep?.stacks.acquired).toMatch(/drv_refresh/);
  });

  it('where the work is running and waits for state_lock, the deadlock is reported at once (no lockdep needed)', async () => {
    const k = new Kernel();
    const dev = stateDriver(k);
    k.spawn('remove', async () => {
      await dev.stateLock.lock();
      queueWork(dev.wq, dev.work);
      await k.yield(); // the kworker starts the work, which blocks on state_lock
      await k.yield();
      await cancelWorkSync(dev.work);
      dev.stateLock.unlock();
    });
    const r = await k.runFor(1_000_000);
    expect(r.reason).not.toBe('idle');
    const [rep] = only(k, 'deadlock');
    expect(rep?.resource).toBe('cancel_work_sync drv_refresh -> mutex state_lock');
    expect(rep?.detail).toMatch(/remove\/\d+ holds mutex state_lock and waits for cancel_work_sync drv_refresh/);
    expect(rep?.detail).toMatch(
      /kworker\/\d+:\d+\/\d+ holds cancel_work_sync drv_refresh and waits for mutex state_lock/,
    );
  });

  it('the correct remove (unlock, then cancel) is clean under lockdep', async () => {
    const k = new Kernel({ lockdep: true });
    const dev = stateDriver(k);
    queueWork(dev.wq, dev.work);
    k.spawn('remove', async () => {
      await dev.stateLock.lock();
      dev.state = -1;
      dev.stateLock.unlock();
      await cancelWorkSync(dev.work);
    });
    await k.run();
    expect(k.reports).toEqual([]);
  });
});

describe('flush from the work itself', () => {
  it('flush_work on its own work is a recursive-locking report and a deadlock', async () => {
    const k = new Kernel({ lockdep: true });
    const wq = allocWorkqueue(k, 'self_wq');
    if (wq === null) throw new Error('alloc_workqueue failed');
    const work = initWork(allocWork(k), async function self_flush(w) {
      await flushWork(w); // waits for itself
    });
    queueWork(wq, work);
    await k.run();
    const [rec] = only(k, 'possible-circular-locking');
    expect(rec?.title).toBe('WARNING: possible recursive locking detected');
    expect(rec?.resource).toBe('recursive (work_completion)self_flush');
    expect(rec?.detail).toContain(' ((work_completion)self_flush) at: process_one_work self_flush');
    const [dl] = only(k, 'deadlock');
    expect(dl?.resource).toBe('flush_work self_flush');
    expect(dl?.title).toMatch(/^INFO: deadlock: 1 task\(s\) wait for each other: kworker/);
  });
});

describe('hrtimer_cancel under a spinlock the callback takes', () => {
  it('lockdep orders the callback map before the spinlock and reports the cancel under it', async () => {
    const k = new Kernel({ lockdep: true });
    const lock = new SpinLock(k, 'stats_lock');
    let samples = 0;
    const timer = hrtimerSetup(
      k,
      new HrTimer(),
      function stats_sample(t) {
        lock.lock();
        samples++;
        lock.unlock();
        hrtimerForwardNow(t, 1_000_000);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HRTIMER_MODE_REL,
      null,
    );
    hrtimerStart(timer, 1_000_000, HRTIMER_MODE_REL);
    await k.runFor(3_000_000);
    expect(samples).toBe(3);
    await k.exec('remove', async () => {
      lock.lock();
      await hrtimerCancel(timer); // the kernel spins here while the callback spins on stats_lock
      lock.unlock();
    });
    const [rep] = only(k, 'possible-circular-locking');
    expect(rep?.resource).toBe('hrtimer stats_sample -> stats_lock');
    expect(rep?.detail).toMatch(
      /^remove\/\d+ is trying to acquire lock:\n \(hrtimer stats_sample\) at: hrtimer_cancel/,
    );
    expect(rep?.detail).toMatch(/taken while holding \(hrtimer stats_sample\) by hardirq/);
    // quiesce's hrtimer_cancel sleeps, so the spinlock also makes it a sleep-in-atomic (see hrtimer's cancel.ts).
    expect(kinds(k)).toContain('sleep-in-atomic');
  });
});

describe('hung-task detector in virtual time', () => {
  it('a task waiting on a completion nobody completes, behind a periodic timer, is reported after 120 s', async () => {
    const k = new Kernel();
    const done = new Completion(k, 'fw_loaded');
    const timer = hrtimerSetup(
      k,
      new HrTimer(),
      function heartbeat(t) {
        hrtimerForwardNow(t, 10_000_000_000);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HRTIMER_MODE_REL,
      null,
    );
    hrtimerStart(timer, 10_000_000_000, HRTIMER_MODE_REL);
    k.spawn('probe', () => done.waitForCompletion());
    await k.runFor(119_000_000_000);
    expect(only(k, 'hung-task')).toEqual([]);
    await k.runFor(100_000_000_000);
    const [rep] = only(k, 'hung-task');
    expect(rep?.title).toMatch(/^INFO: task probe:\d+ blocked for more than 120 seconds\.$/);
    expect(rep?.resource).toBe('probe waiting on completion fw_loaded');
    expect(rep?.time).toBe(120_000_000_000);
    expect(only(k, 'hung-task')).toHaveLength(1);
  });

  it('hungTaskTimeoutNs sets the limit; 0 disables the detector', async () => {
    for (const [timeout, want] of [
      [5_000_000_000, 1],
      [0, 0],
    ] as const) {
      const k = new Kernel({ hungTaskTimeoutNs: timeout });
      const done = new Completion(k, 'never');
      const t = hrtimerSetup(
        k,
        new HrTimer(),
        function tick(x) {
          hrtimerForwardNow(x, 1_000_000_000);
          return HRTIMER_RESTART;
        },
        CLOCK_MONOTONIC,
        HRTIMER_MODE_REL,
        null,
      );
      hrtimerStart(t, 1_000_000_000, HRTIMER_MODE_REL);
      k.spawn('waiter', () => done.waitForCompletion());
      await k.runFor(20_000_000_000);
      const hung = only(k, 'hung-task');
      expect(hung).toHaveLength(want);
      if (want === 1) expect(hung[0]?.title).toMatch(/blocked for more than 5 seconds\.$/);
    }
    expect(() => new Kernel({ hungTaskTimeoutNs: -1 })).toThrow(RangeError);
  });
});
