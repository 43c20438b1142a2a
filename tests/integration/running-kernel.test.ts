// Objects of no kernel (docs/validation.md): an hrtimer never set up, a misc
// device never registered and a user buffer belong to no kernel, yet misusing
// one is a WARN (or a might_fault check) in the kernel the caller runs in.
// With two kernels running, nested or concurrently, core `runningKernel`
// names one by a fixed rule: the object's own kernel, else the kernel inside
// an atomic callback, else the innermost (latest started) running kernel.
import { Kernel, msleep, onlyRunningKernel, runningKernel, SpinLock } from '@quiesce/core-devres';
import * as hr from '@quiesce/hrtimer';
import * as misc from '@quiesce/miscdev';
import { describe, expect, it } from 'vitest';

const kernel = (): Kernel => new Kernel({ cpus: 2 });
const titles = (k: Kernel): string[] => k.reports.map((r) => `${r.kind}: ${r.title}`);
const neverSetUp = (): void => hr.hrtimerStart(new hr.HrTimer(), 1000, hr.HRTIMER_MODE_REL);
const neverRegistered = (name: string): Promise<void> =>
  misc.miscDeregister({ minor: misc.MISC_DYNAMIC_MINOR, name, fops: { owner: null } });

const TIMER_WARN = 'warn: WARNING: kernel/time/hrtimer.c: hrtimer_start_range_ns: WARN_ON_ONCE(!timer->function)';
const miscWarn = (name: string): string =>
  `warn: WARNING: WARN_ON(list_empty(&misc->list)) in misc_deregister: '${name}' is not registered`;

describe('runningKernel: the kernel a call on an object of no kernel is made in', () => {
  it('the object’s own kernel first; otherwise a running one; none outside every run', async () => {
    const a = kernel();
    const b = kernel();
    expect([runningKernel(), onlyRunningKernel(), runningKernel(a)]).toEqual([null, null, a]);
    const seen = await a.exec('t', () => [runningKernel(), onlyRunningKernel(), runningKernel(b)]);
    expect(seen[0]).toBe(a);
    expect(seen[1]).toBe(a);
    expect(seen[2]).toBe(b);
    expect(runningKernel()).toBe(null);
  });

  it('nested: a task of A awaiting B.exec warns in B inside it, in A after it', async () => {
    const a = kernel();
    const b = kernel();
    const inside = await a.exec('outer', async () => {
      const got = await b.exec('inner', async () => {
        const who = [runningKernel(), onlyRunningKernel()];
        neverSetUp();
        await neverRegistered('in_b');
        return who;
      });
      neverSetUp();
      await neverRegistered('in_a');
      return got;
    });
    expect(inside[0]).toBe(b);
    expect(inside[1]).toBe(null); // two kernels run: no "only" one
    expect(titles(b)).toEqual([TIMER_WARN, miscWarn('in_b')]);
    expect(titles(a)).toEqual([TIMER_WARN, miscWarn('in_a')]);
  });

  it('concurrent: A started first: its timer callback warns in A; task code of either gets B, the latest started', async () => {
    const a = kernel();
    const b = kernel();
    let release = (): void => undefined;
    const gate = new Promise<void>((res) => {
      release = res;
    });
    const ta = a.exec('ta', async () => {
      const t = hr.hrtimerSetup(
        a,
        new hr.HrTimer(),
        () => {
          neverSetUp(); // in a's softirq/hardirq callback: a is the caller
          return hr.HRTIMER_NORESTART;
        },
        hr.CLOCK_MONOTONIC,
        hr.HRTIMER_MODE_REL,
        null,
      );
      hr.hrtimerStart(t, 1_000_000, hr.HRTIMER_MODE_REL);
      await msleep(a, 2); // the timer fires meanwhile, while b (started later) runs
      // a's task code while b (started later) still runs: the latest started, b.
      await neverRegistered('from_a_task');
      release();
    });
    const tb0 = b.exec('tb', async () => {
      await neverRegistered('from_b');
      await gate; // b keeps running until a is done
    });
    await Promise.all([ta, tb0]);
    expect(titles(a)).toEqual([TIMER_WARN]);
    expect(titles(b)).toEqual([miscWarn('from_b'), miscWarn('from_a_task')]);
  });

  it('might_fault: a user copy under a spinlock is sleep-in-atomic in the caller’s kernel, not the other one', async () => {
    const a = kernel();
    const b = kernel();
    const lock = new SpinLock(b, 'l');
    const ta = a.exec('ta', () => msleep(a, 5));
    const tb = b.exec('tb', async () => {
      await msleep(b, 1);
      lock.lock();
      misc.copyToUser(misc.UserBuffer.alloc(4), new Uint8Array(4));
      lock.unlock();
    });
    await Promise.all([ta, tb]);
    expect(a.reports).toEqual([]);
    expect(b.reports.map((r) => r.kind)).toEqual(['sleep-in-atomic']);
  });

  it('outside every run there is nowhere to warn: the call is a TypeError, as before', async () => {
    expect(neverSetUp).toThrow(TypeError);
    await expect(neverRegistered('nowhere')).rejects.toThrow(TypeError);
  });
});
