import {
  CLOCK_MONOTONIC,
  HRTIMER_NORESTART,
  HRTIMER_RESTART,
  HrTimer,
  HrtimerMode,
  hrtimerForwardNow,
  hrtimerGetExpires,
  hrtimerIsQueued,
  hrtimerSetup,
  hrtimerStart,
  hrtimerTryToCancel,
} from '@quiesce/hrtimer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernel } from './helpers.js';

type Op =
  | { op: 'start'; i: number; delay: number; abs: boolean }
  | { op: 'cancel'; i: number }
  | { op: 'forward'; i: number; interval: number }
  | { op: 'advance'; ns: number };

const N = 3;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('start' as const),
    i: fc.nat(N - 1),
    delay: fc.integer({ min: -50, max: 500 }),
    abs: fc.boolean(),
  }),
  fc.record({ op: fc.constant('cancel' as const), i: fc.nat(N - 1) }),
  fc.record({ op: fc.constant('forward' as const), i: fc.nat(N - 1), interval: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('advance' as const), ns: fc.integer({ min: 0, max: 400 }) }),
);

describe('property: start/cancel/forward/advance', () => {
  it('never fires a cancelled timer, never fires early (nor late), forward lands strictly after now', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const k = kernel();
        // Model: the expiry each timer is armed for (null when it must not fire) and when it was armed.
        const armed: (number | null)[] = new Array<number | null>(N).fill(null);
        const armedAt: number[] = new Array<number>(N).fill(0);
        const violations: string[] = [];
        const timers = Array.from({ length: N }, (_, i) =>
          hrtimerSetup(
            k,
            new HrTimer(),
            () => {
              const want = armed[i];
              if (want === null || want === undefined) {
                violations.push(`timer ${i} fired at ${k.now} while cancelled/idle`);
              } else {
                // Due at its expiry, or at once when armed for the past (the clock never goes back).
                const due = Math.max(want, armedAt[i] ?? 0);
                if (k.now < due) violations.push(`timer ${i} early: ${k.now} < ${due}`);
                if (k.now > due) violations.push(`timer ${i} late: ${k.now} > ${due}`);
              }
              armed[i] = null;
              return HRTIMER_NORESTART;
            },
            CLOCK_MONOTONIC,
            HrtimerMode.ABS,
            null,
          ),
        );
        for (const o of ops) {
          if (o.op === 'start') {
            const t = timers[o.i] as HrTimer;
            const exp = k.now + o.delay;
            if (o.abs) hrtimerStart(t, exp, HrtimerMode.ABS);
            else hrtimerStart(t, o.delay, HrtimerMode.REL);
            armed[o.i] = exp;
            armedAt[o.i] = k.now;
            expect(hrtimerGetExpires(t)).toBe(exp);
          } else if (o.op === 'cancel') {
            const t = timers[o.i] as HrTimer;
            const r = hrtimerTryToCancel(t);
            expect(r).toBe(armed[o.i] === null ? 0 : 1);
            armed[o.i] = null;
          } else if (o.op === 'forward') {
            const t = timers[o.i] as HrTimer;
            const before = hrtimerGetExpires(t);
            const queued = hrtimerIsQueued(t);
            const n = hrtimerForwardNow(t, o.interval);
            const after = hrtimerGetExpires(t);
            if (k.now < before || queued) {
              expect(n).toBe(0);
              expect(after).toBe(before);
            } else {
              expect(n).toBeGreaterThanOrEqual(1);
              expect(after).toBe(before + n * o.interval);
              expect(after).toBeGreaterThan(k.now);
              expect(after - o.interval).toBeLessThanOrEqual(k.now);
            }
          } else {
            await k.runFor(o.ns);
          }
        }
        await k.run();
        expect(violations).toEqual([]);
        expect(armed).toEqual(new Array(N).fill(null));
      }),
      { numRuns: 150 },
    );
  });

  it('a periodic timer (forward by period, RESTART) fires exactly floor(elapsed/period) times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 1 }),
        async (period, chunks, cpu) => {
          const k = kernel();
          let fires = 0;
          let last = -1;
          const t = hrtimerSetup(
            k,
            new HrTimer(),
            (tm) => {
              fires++;
              // Fires at exact multiples of the period.
              if (k.now % period !== 0 || k.now <= last) throw new Error(`bad expiry ${k.now}`);
              last = k.now;
              hrtimerForwardNow(tm, period);
              return HRTIMER_RESTART;
            },
            CLOCK_MONOTONIC,
            HrtimerMode.REL,
            null,
          );
          k.spawn('arm', () => hrtimerStart(t, period, HrtimerMode.REL), cpu);
          let elapsed = 0;
          for (const c of chunks) {
            await k.runFor(c);
            elapsed += c;
            expect(fires).toBe(Math.floor(elapsed / period));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
