import { Kernel, sleepNs } from '@quiesce/core-devres';
import {
  allocWork,
  allocWorkqueue,
  cancelWork,
  cancelWorkSync,
  disableWork,
  disableWorkSync,
  enableWork,
  flushWork,
  flushWorkqueue,
  initWork,
  queueWork,
  queueWorkOn,
  type Workqueue,
} from '@quiesce/workqueue';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

type Op =
  | { op: 'queue' }
  | { op: 'queueOn'; cpu: number }
  | { op: 'cancel' }
  | { op: 'cancelSync' }
  | { op: 'disable' }
  | { op: 'disableSync' }
  | { op: 'enable' }
  | { op: 'flush' }
  | { op: 'flushWq' }
  | { op: 'sleep'; ns: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ op: 'queue' }),
  fc.integer({ min: 0, max: 1 }).map((cpu): Op => ({ op: 'queueOn', cpu })),
  fc.constant<Op>({ op: 'cancel' }),
  fc.constant<Op>({ op: 'cancelSync' }),
  fc.constant<Op>({ op: 'disable' }),
  fc.constant<Op>({ op: 'disableSync' }),
  fc.constant<Op>({ op: 'enable' }),
  fc.constant<Op>({ op: 'flush' }),
  fc.constant<Op>({ op: 'flushWq' }),
  fc.integer({ min: 0, max: 3000 }).map((ns): Op => ({ op: 'sleep', ns })),
);

describe('property: cancel/disable fences and non-reentrancy', () => {
  it('never runs a work after cancel_work_sync/disable_work_sync returned (until requeued), never twice at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(opArb, { maxLength: 25 }),
        fc.array(opArb, { maxLength: 25 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        async (seed, opsA, opsB, workNs, selfRequeues, unbound) => {
          const k = new Kernel({ strategy: 'random', seed, cpus: 2 });
          const wq = allocWorkqueue(k, 'prop', unbound ? 2 : 0, 0) as Workqueue;
          let active = 0;
          let overlap = false;
          let afterFence = false;
          /** True from a sync cancel/disable's return until a later successful queue. */
          let fenced = false;
          let budget = selfRequeues;
          const work = initWork(allocWork(k), async function prop_work(w) {
            if (fenced) afterFence = true;
            active++;
            if (active > 1) overlap = true;
            await sleepNs(k, workNs);
            active--;
            if (budget > 0) {
              budget--;
              if (queueWork(wq, w)) fenced = false;
            }
          });
          const driver = async (ops: Op[]): Promise<void> => {
            for (const o of ops) {
              switch (o.op) {
                case 'queue':
                  if (queueWork(wq, work)) fenced = false;
                  break;
                case 'queueOn':
                  if (queueWorkOn(o.cpu, wq, work)) fenced = false;
                  break;
                case 'cancel':
                  cancelWork(work);
                  break;
                case 'cancelSync':
                  await cancelWorkSync(work);
                  if (active > 0) afterFence = true; // still running after the sync call returned
                  fenced = true;
                  break;
                case 'disable':
                  disableWork(work);
                  break;
                case 'disableSync':
                  await disableWorkSync(work);
                  if (active > 0) afterFence = true; // still running after the sync call returned
                  fenced = true;
                  break;
                case 'enable':
                  enableWork(work);
                  break;
                case 'flush':
                  await flushWork(work);
                  break;
                case 'flushWq':
                  await flushWorkqueue(wq);
                  break;
                case 'sleep':
                  await sleepNs(k, o.ns);
                  break;
              }
            }
          };
          k.spawn('driverA', () => driver(opsA), 0);
          k.spawn('driverB', () => driver(opsB), 1);
          const res = await k.run();
          expect(res.reason).toBe('idle');
          expect(overlap).toBe(false);
          expect(afterFence).toBe(false);
          expect(k.reports.filter((r) => r.kind !== 'warn')).toEqual([]);
        },
      ),
      { numRuns: 150, seed: 20250226 },
    );
  });
});
