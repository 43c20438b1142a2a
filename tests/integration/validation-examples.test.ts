// Issue 21's seven examples of bad input that broke the world: each now gets
// a clear error or the kernel's answer, and the canary still works after it.
import {
  deviceBind,
  deviceReleaseDriver,
  devmAddAction,
  isKernelError,
  Kernel,
  KernelError,
  Mutex,
  msleep,
} from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  HRTIMER_MODE_REL,
  HRTIMER_RESTART,
  HrTimer,
  hrtimerForwardNow,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import {
  dmaAllocCoherent,
  EduDevice,
  type PciDev,
  type PciDriver,
  pciAddDevice,
  pciRegisterDriver,
  pciUnregisterDriver,
} from '@quiesce/pci-emu';
import {
  allocDelayedWork,
  allocWork,
  allocWorkqueue,
  flushWorkqueue,
  initDelayedWork,
  initWork,
  queueDelayedWork,
  queueWork,
  queueWorkOn,
  workPending,
} from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { canary } from './canary.js';

const kernel = (): Kernel => new Kernel({ cpus: 2 });

async function plug(k: Kernel): Promise<PciDev> {
  return k.exec('plug', () => pciAddDevice(k, new EduDevice()));
}

describe('issue 21: bad input never breaks the world', () => {
  it('msleep(k, Infinity) is a TypeError naming msleep and msecs; the clock stays finite', async () => {
    const k = kernel();
    const err = await k.exec('t', () => msleep(k, Infinity)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(String(err)).toMatch(/msleep: msecs .*Infinity/);
    expect(k.now).toBe(0);
    expect(await canary(k)).toEqual([]);
  });

  it('a delayed work with an infinite delay is a TypeError and is left idle', async () => {
    const k = kernel();
    const wq = allocWorkqueue(k, 'wq');
    const dw = initDelayedWork(allocDelayedWork(k), async () => undefined);
    expect(() => queueDelayedWork(wq as NonNullable<typeof wq>, dw, Infinity)).toThrow(
      /queue_delayed_work_on: delay .*Infinity/,
    );
    expect(workPending(dw.work)).toBe(false);
    expect(k.armedTimers).toBe(0);
    await k.run();
    expect(Number.isFinite(k.now)).toBe(true);
    expect(await canary(k)).toEqual([]);
  });

  it('hrtimerForwardNow(t, NaN) in a restarting callback throws and the clock stays finite', async () => {
    const k = kernel();
    let calls = 0;
    let thrown: unknown = null;
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (timer: HrTimer) => {
        calls++;
        try {
          hrtimerForwardNow(timer, Number.NaN);
        } catch (e) {
          thrown = e;
          return 0; // HRTIMER_NORESTART
        }
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HRTIMER_MODE_REL,
      null,
    );
    hrtimerStart(t, 1000, HRTIMER_MODE_REL);
    await k.run();
    expect(calls).toBe(1);
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String(thrown)).toMatch(/hrtimer_forward_now: interval .*NaN/);
    expect(k.now).toBe(1000);
    expect(await canary(k)).toEqual([]);
  });

  it('dmaAllocCoherent(pdev, NaN) is a TypeError; -4096 is -ENOMEM; the next 4 KiB allocation is sound', async () => {
    const k = kernel();
    const pdev = await plug(k);
    expect(() => dmaAllocCoherent(pdev, Number.NaN)).toThrow(/dma_alloc_coherent: size .*NaN/);
    expect(() => dmaAllocCoherent(pdev, 4.5)).toThrow(TypeError);
    const neg = (() => {
      try {
        dmaAllocCoherent(pdev, -4096);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(isKernelError(neg, 'ENOMEM')).toBe(true);
    const a = dmaAllocCoherent(pdev, 4096);
    const b = dmaAllocCoherent(pdev, 4096);
    expect(Number.isInteger(a.dmaHandle)).toBe(true);
    expect(a.cpu.size).toBe(4096);
    // Two page-sized allocations do not overlap: the second starts a page after the first.
    expect(Math.abs(b.dmaHandle - a.dmaHandle)).toBeGreaterThanOrEqual(4096);
    expect(await canary(k)).toEqual([]);
  });

  it('queueWorkOn(-5, wq, w) is a TypeError before PENDING is taken; the work queues and flushes afterwards', async () => {
    const k = kernel();
    const wq = allocWorkqueue(k, 'wq') as NonNullable<ReturnType<typeof allocWorkqueue>>;
    let ran = 0;
    const w = initWork(allocWork(k), async () => void ran++);
    expect(() => queueWorkOn(-5, wq, w)).toThrow(/queue_work_on: cpu .*-5/);
    expect(() => queueWorkOn(2, wq, w)).toThrow(TypeError); // a 2-CPU kernel has CPUs 0 and 1
    expect(workPending(w)).toBe(false);
    expect(queueWork(wq, w)).toBe(true);
    await k.exec('flush', () => flushWorkqueue(wq));
    expect(ran).toBe(1);
    expect(await canary(k)).toEqual([]);
  });

  it('allocWorkqueue(k, name, 0, NaN) is a TypeError; an out-of-range int is clamped with the kernel warning', async () => {
    const k = kernel();
    expect(() => allocWorkqueue(k, 'wq', 0, Number.NaN)).toThrow(/alloc_workqueue: max_active .*NaN/);
    expect(() => allocWorkqueue(k, 'wq', Number.NaN)).toThrow(/alloc_workqueue: flags/);
    const wq = allocWorkqueue(k, 'big', 0, 5000);
    expect(wq?.maxActive).toBe(2048); // WQ_MAX_ACTIVE
    expect(k.reports.map((r) => r.detail)).toContain(
      'workqueue: max_active 5000 requested for big is out of range, clamping between 1 and 2048',
    );
    expect(await canary(k)).toEqual([]);
  });

  it('devmAddAction(dev, 42) in probe: the probe fails cleanly, the device is left unbound and can bind again', async () => {
    const k = kernel();
    let attempts = 0;
    let good = false;
    const bad: PciDriver = {
      name: 'bad-action',
      owner: null,
      idTable: [{ vendor: 0x1234, device: 0x11e8 }],
      probe: async (pdev) => {
        attempts++;
        // biome-ignore lint/suspicious/noExplicitAny: the bad call under test.
        if (!good) devmAddAction(pdev, 42 as any, null);
      },
    };
    await k.exec('reg', () => pciRegisterDriver(k, bad));
    const pdev = await plug(k);
    expect(attempts).toBe(1);
    expect(pdev.driver).toBe(null);
    // A probe's non-errno error is not passed up (really_probe's callers ignore it) but it is reported.
    expect(
      k.reports.some((r) => r.kind === 'warn' && /devm_add_action: action must be a function, got 42/.test(r.detail)),
    ).toBe(true);
    good = true;
    await k.exec('rebind', () => deviceBind(pdev, { name: 'again', owner: null, probe: async () => undefined }));
    expect(pdev.driver?.name).toBe('again'); // not -EBUSY: nothing of the failed probe is left
    await k.exec('unbind', () => deviceReleaseDriver(pdev));
    await k.exec('unreg', () => pciUnregisterDriver(k, bad));
    expect(await canary(k)).toEqual([]);
  });

  it('a remove() that throws half-way still unbinds: devres released, device unbound, failure reported and rethrown', async () => {
    const k = kernel();
    const pdev = await plug(k);
    const released: string[] = [];
    await k.exec('bind', () =>
      deviceBind(pdev, {
        name: 'throws-in-remove',
        owner: null,
        probe: async (dev) => {
          devmAddAction(dev, () => void released.push('a'), null);
          devmAddAction(
            dev,
            () => {
              throw new KernelError('EIO', 'release b');
            },
            null,
          );
          devmAddAction(dev, () => void released.push('c'), null);
        },
        remove: async () => {
          throw new TypeError('remove blew up');
        },
      }),
    );
    const err = await k.exec('unbind', () => deviceReleaseDriver(pdev)).catch((e: unknown) => e);
    expect(String(err)).toMatch(/remove blew up/);
    expect(released).toEqual(['c', 'a']); // newest first, and past the failing one
    expect(pdev.driver).toBe(null);
    expect(pdev.bound).toBe(null);
    expect(k.reports.some((r) => r.kind === 'warn' && /remove blew up/.test(r.detail))).toBe(true);
    // Rebinding works: the device does not still look bound (no -EBUSY).
    await k.exec('rebind', () => deviceBind(pdev, { name: 'again', owner: null, probe: async () => undefined }));
    expect(pdev.driver?.name).toBe('again');
    expect(await canary(k)).toEqual([]);
  });

  it('k.exec() on a task that deadlocks settles with an Error naming the deadlock', async () => {
    const k = kernel();
    const a = new Mutex(k, 'a');
    const b = new Mutex(k, 'b');
    const other = k.spawn('other', async () => {
      await b.lock();
      await msleep(k, 1);
      await a.lock();
    });
    void other;
    const err = await k
      .exec('main', async () => {
        await a.lock();
        await msleep(k, 1);
        await b.lock();
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toMatch(/can never finish|deadlock/);
    expect(k.reports.some((r) => r.kind === 'deadlock')).toBe(true);
    // The canary runs in a fresh kernel: this one's two tasks hold a and b for ever, as they would in C.
    expect(await canary(kernel())).toEqual([]);
  });
});
