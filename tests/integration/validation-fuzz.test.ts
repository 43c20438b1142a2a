// Property-based fuzz of the public API (issue 21): random sequences of calls
// with arguments drawn from valid and invalid values. After every step: any
// error is a KernelError with an errno, or a TypeError/RangeError whose
// message names the function; the clock is finite; the canary still works.
import { isKernelError, Kernel, msleep } from '@quiesce/core-devres';
import * as hr from '@quiesce/hrtimer';
import { dmaAllocCoherent, EduDevice, type PciDev, pciAddDevice } from '@quiesce/pci-emu';
import * as wqm from '@quiesce/workqueue';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canary } from './canary.js';

/** Sequences and steps: 100 × up to 10 steps, each step followed by the canary (a few seconds in all). */
const RUNS = 100;
const MAX_STEPS = 10;

const anyValue = fc.constantFrom<unknown>(
  0,
  1,
  2,
  -1,
  -5,
  4.5,
  4096,
  -4096,
  1e300,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '4',
  undefined,
  null,
  2 ** 32,
  3_000_000,
);

interface World {
  k: Kernel;
  pdev: PciDev;
  wq: wqm.Workqueue;
  work: wqm.WorkStruct;
  dwork: wqm.DelayedWork;
  timer: hr.HrTimer;
}

// biome-ignore lint/suspicious/noExplicitAny: the fuzzer passes values C's types would not allow.
type Any = any;
const OPS: Record<string, (w: World, a: unknown, b: unknown) => unknown> = {
  msleep: (w, a) => msleep(w.k, a as Any),
  queueWorkOn: (w, a) => wqm.queueWorkOn(a as Any, w.wq, w.work),
  queueDelayedWork: (w, a) => wqm.queueDelayedWork(w.wq, w.dwork, a as Any),
  modDelayedWorkOn: (w, a, b) => wqm.modDelayedWorkOn(a as Any, w.wq, w.dwork, b as Any),
  allocWorkqueue: (w, a, b) => wqm.allocWorkqueue(w.k, 'fuzz', a as Any, b as Any),
  setMaxActive: (w, a) => wqm.workqueueSetMaxActive(w.wq, a as Any),
  hrtimerStart: (w, a) => hr.hrtimerStart(w.timer, a as Any, hr.HRTIMER_MODE_REL),
  hrtimerStartRangeNs: (w, a, b) => hr.hrtimerStartRangeNs(w.timer, 1000, a as Any, b as Any),
  hrtimerForward: (w, a, b) => hr.hrtimerForward(w.timer, a as Any, b as Any),
  dmaAllocCoherent: (w, a) => dmaAllocCoherent(w.pdev, a as Any),
  cancelWorkSync: (w) => wqm.cancelWorkSync(w.work),
  flushWorkqueue: (w) => wqm.flushWorkqueue(w.wq),
};

const step = fc.record({ op: fc.constantFrom(...Object.keys(OPS)), a: anyValue, b: anyValue });

/** The error is one of the allowed kinds; returns a description of it when it is not. */
function badError(e: unknown): string | null {
  if (isKernelError(e)) return e.errno < 0 ? null : `errno ${e.errno}`;
  if ((e instanceof TypeError || e instanceof RangeError) && /^[A-Za-z_.]+: .+/.test(e.message)) return null;
  return `unclear error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

async function world(): Promise<World> {
  const k = new Kernel({ cpus: 2 });
  const pdev = await k.exec('plug', () => pciAddDevice(k, new EduDevice()));
  const wq = wqm.allocWorkqueue(k, 'fuzz_wq') as wqm.Workqueue;
  const work = wqm.initWork(wqm.allocWork(k), async () => undefined);
  const dwork = wqm.initDelayedWork(wqm.allocDelayedWork(k), async () => undefined);
  const timer = hr.hrtimerSetup(
    k,
    new hr.HrTimer(),
    () => hr.HRTIMER_NORESTART,
    hr.CLOCK_MONOTONIC,
    hr.HRTIMER_MODE_REL,
    null,
  );
  return { k, pdev, wq, work, dwork, timer };
}

describe('validation fuzz', () => {
  it(`${RUNS} random sequences of up to ${MAX_STEPS} calls never break the world`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: MAX_STEPS }), async (steps) => {
        const w = await world();
        for (const s of steps) {
          let err: unknown = null;
          await w.k
            .exec(`fuzz ${s.op}`, async () => {
              try {
                await (OPS[s.op] as (w: World, a: unknown, b: unknown) => unknown)(w, s.a, s.b);
              } catch (e) {
                err = e;
              }
            })
            .catch((e: unknown) => {
              err = new Error(`exec did not finish: ${String(e)}`);
            });
          if (err !== null) expect(badError(err), `${s.op}(${String(s.a)}, ${String(s.b)})`).toBe(null);
          // Let armed timers and works run a while, then check the clock and the canary.
          await w.k.runFor(5_000_000);
          expect(Number.isFinite(w.k.now), `clock after ${s.op}`).toBe(true);
          expect(await canary(w.k), `canary after ${s.op}(${String(s.a)}, ${String(s.b)})`).toEqual([]);
        }
      }),
      { numRuns: RUNS, seed: 21 },
    );
  });
});
