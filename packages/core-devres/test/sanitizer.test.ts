import {
  Completion,
  captureStack,
  ERRNO,
  errno,
  formatReport,
  isKernelError,
  Kernel,
  KernelError,
  Mutex,
  msleep,
  rcuReadLock,
  rcuReadUnlock,
  SanitizerPanic,
  type SanitizerReport,
  SpinLock,
  synchronizeRcu,
  WaitQueue,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

const SLEEP_BUG = 'BUG: sleeping function called from invalid context';

describe('sleep-in-atomic', () => {
  it('a sleeping call inside k.runAtomic is reported and does not sleep', async () => {
    const k = new Kernel();
    await k.exec('t', async () => {
      k.runAtomic('hardirq', 1, 'edu_irq', () => {
        void msleep(k, 5);
      });
      expect(k.now).toBe(0);
    });
    const reps = k.sanitizer.byKind('sleep-in-atomic');
    expect(reps).toHaveLength(1);
    const r = reps[0] as SanitizerReport;
    expect(r.title).toBe(`${SLEEP_BUG} at msleep`);
    expect(r.context).toEqual({ kind: 'hardirq', name: 'edu_irq', pid: 0, cpu: 1 });
    expect(r.detail).toContain('in_atomic(): 1, irqs_disabled(): 1');
    expect(r.stacks.access).toEqual(expect.any(String));
    expect(k.now).toBe(0);
  });

  it('a sleeping call while holding a SpinLock is reported; after unlock it sleeps normally', async () => {
    const k = new Kernel();
    const lock = new SpinLock(k, 'edu_lock');
    const times = await k.exec('t', async () => {
      lock.lock();
      await msleep(k, 5);
      const inside = k.now;
      lock.unlock();
      await msleep(k, 5);
      return [inside, k.now];
    });
    expect(times).toEqual([0, 5_000_000]);
    const reps = k.sanitizer.byKind('sleep-in-atomic');
    expect(reps).toHaveLength(1);
    expect(reps[0]?.title.startsWith(SLEEP_BUG)).toBe(true);
    expect(reps[0]?.context).toMatchObject({ kind: 'task', name: 't', pid: 1 });
    expect(reps[0]?.detail).toContain('in_atomic(): 1, irqs_disabled(): 0');
  });

  it('sleeping inside rcuReadLock in a task is reported (msleep, mutex, completion, wait_event, synchronize_rcu)', async () => {
    const k = new Kernel();
    const m = new Mutex(k, 'm');
    const c = new Completion(k, 'c');
    const wq = new WaitQueue(k, 'wq');
    await k.exec('reader', async () => {
      rcuReadLock(k);
      await msleep(k, 1);
      await m.lock();
      await c.waitForCompletion();
      await wq.waitEvent(() => false);
      await synchronizeRcu(k);
      rcuReadUnlock(k);
    });
    const titles = k.sanitizer.byKind('sleep-in-atomic').map((r) => r.title);
    expect(titles).toEqual([
      `${SLEEP_BUG} at msleep`,
      `${SLEEP_BUG} at mutex_lock m`,
      `${SLEEP_BUG} at wait_for_completion`,
      `${SLEEP_BUG} at wait_event wq`,
      `${SLEEP_BUG} at synchronize_rcu`,
    ]);
    // None of them slept, and the mutex was not taken.
    expect(k.now).toBe(0);
    expect(m.isLocked()).toBe(false);
  });
});

describe('sanitizer modes', () => {
  const input = { kind: 'warn' as const, title: 'WARNING: x', resource: 'r', detail: 'd' };

  it('off: nothing is kept, reports are counted as suppressed, stacks are not captured', () => {
    const k = new Kernel({ sanitizer: 'off' });
    expect(k.sanitizer.report(input)).toBeNull();
    k.warn('r', 'again');
    expect(k.reports).toEqual([]);
    expect(k.sanitizer.suppressed).toBe(2);
    expect(captureStack('off')).toBeUndefined();
    expect(k.stack()).toEqual({});
    k.sanitizer.clear();
    expect(k.sanitizer.suppressed).toBe(0);
  });

  it('report: collects reports with context and virtual time', async () => {
    const k = new Kernel({ sanitizer: 'report' });
    await k.exec('t', async () => {
      await msleep(k, 2);
      k.warn('edu', 'late');
    });
    expect(k.reports).toHaveLength(1);
    expect(k.reports[0]).toMatchObject({
      kind: 'warn',
      time: 2_000_000,
      context: { kind: 'task', name: 't', pid: 1 },
    });
    expect(typeof captureStack('report')).toBe('string');
    k.sanitizer.clear();
    expect(k.reports).toEqual([]);
  });

  it('panic: the first report throws SanitizerPanic out of k.run()', async () => {
    const k = new Kernel({ sanitizer: 'panic' });
    const lock = new SpinLock(k, 'l');
    let after = false;
    k.spawn('t', async () => {
      lock.lock();
      await msleep(k, 1);
      after = true;
    });
    const err = await k.run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SanitizerPanic);
    const p = err as SanitizerPanic;
    expect(p.report.kind).toBe('sleep-in-atomic');
    expect(p.message.startsWith(`Kernel panic - not syncing: ${SLEEP_BUG}`)).toBe(true);
    expect(after).toBe(false);
    expect(k.reports).toHaveLength(1);
  });

  it('panic: a deadlock report throws out of k.run() too', async () => {
    const k = new Kernel({ sanitizer: 'panic' });
    const c = new Completion(k, 'never');
    k.spawn('t', () => c.waitForCompletion());
    await expect(k.run()).rejects.toBeInstanceOf(SanitizerPanic);
  });

  it('reports are JSON data and print as one KASAN-style block', async () => {
    const k = new Kernel();
    await k.exec('user', () => {
      k.warn('edu BAR0', 'odd');
    });
    const r = k.reports[0] as SanitizerReport;
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    const text = formatReport(r);
    const lines = text.split('\n');
    const rule = '='.repeat(66);
    expect(lines[0]).toBe(rule);
    expect(lines.at(-1)).toBe(rule);
    expect(lines[1]).toBe('WARNING: odd');
    expect(text).toContain('resource: edu BAR0');
    expect(text).toContain('by task user/1 on CPU 0 at 0 ns');
    expect(text).toContain('Call trace:');
    expect(k.dmesg()).toBe(text);
  });
});

describe('KernelError', () => {
  it('carries the errno name and the negative number the kernel returns', () => {
    const cases: [Parameters<typeof errno>[0], number][] = [
      ['EBUSY', -16],
      ['ENODEV', -19],
      ['EINVAL', -22],
      ['EAGAIN', -11],
      ['EWOULDBLOCK', -11],
      ['ENOMEM', -12],
      ['ENOENT', -2],
      ['EEXIST', -17],
    ];
    for (const [code, n] of cases) {
      const e = new KernelError(code, 'detail');
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe('KernelError');
      expect(e.code).toBe(code);
      expect(e.errno).toBe(n);
      expect(errno(code)).toBe(-n);
    }
  });

  it('EWOULDBLOCK is EAGAIN', () => {
    expect(errno('EWOULDBLOCK')).toBe(ERRNO.EAGAIN);
    expect(isKernelError(new KernelError('EWOULDBLOCK'), 'EAGAIN')).toBe(true);
    expect(isKernelError(new KernelError('EAGAIN'), 'EWOULDBLOCK')).toBe(true);
  });

  it('message says the return value and why; isKernelError filters by name', () => {
    const e = new KernelError('EBUSY', 'region taken');
    expect(e.message).toBe('-EBUSY (16) Device or resource busy: region taken');
    expect(new KernelError('ENODEV').message).toBe('-ENODEV (19) No such device');
    expect(isKernelError(e)).toBe(true);
    expect(isKernelError(e, 'EBUSY')).toBe(true);
    expect(isKernelError(e, 'EINVAL')).toBe(false);
    expect(isKernelError(new Error('x'))).toBe(false);
  });
});
