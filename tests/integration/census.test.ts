// The census of every discipline's hot paths and unbind (issue 16), run by
// the report's own census runner on the real edu device model. Expected
// counts are derived from what the mirrored kernel functions execute:
//
//   readl()                      1 MMIO read (fenced = a C driver's readl)
//   Devres::access(&Device<Bound>) one pointer compare ("check")
//   Revocable::try_access()      rcu_read_lock, a relaxed atomic load of
//                                is_available, rcu_read_unlock
//   hrtimer_start()              base lock (irqsave pair), timer armed
//   hrtimer_interrupt()          a hardirq; cpu_base->lock held, dropped and
//                                retaken around the callback (2 irqsave pairs)
//   queue_work()                 test_and_set_bit(PENDING), pool->lock (pair),
//                                wake-up of the idle kworker
//   process_one_work()           kworker switched in, pool->lock dropped and
//                                retaken around the function (2 pairs), smp_mb
//   ioctl()                      one syscall (+ the fenced misc device's
//                                in-flight count: 2 atomic RMWs)
//   unbind                       device_lock (mutex pair) plus, per resource:
//                                hrtimer_cancel (base lock pair + dequeue), or
//                                revoke (atomic swap + synchronize_rcu: a
//                                grace period, its wake-up and switch back)
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

type Counts = Record<string, number>;
interface DisciplineCensus {
  paths: Record<string, Counts>;
  unbindAt: Record<string, Record<number, Counts>>;
}
let census: { counts: Record<string, DisciplineCensus> };

beforeAll(async () => {
  const url = pathToFileURL(new URL('../../benchmarks/lib/census-run.mjs', import.meta.url).pathname).href;
  const mod = (await import(url)) as { runCensus: (d?: unknown, o?: { check: boolean }) => Promise<typeof census> };
  census = await mod.runCensus(undefined, { check: false });
});

/** What each discipline's access adds to a register read or write. */
const access: Record<string, Counts> = {
  'kernel-c': {},
  fenced: {},
  'devres-access': { check: 1 },
  revocable: { rcu_read_lock: 1, atomic_load: 1, rcu_read_unlock: 1 },
  // drm_dev_enter(): srcu_read_lock + a load of dev->unplugged; drm_dev_exit(): srcu_read_unlock.
  'srcu-device': { srcu_read_lock: 1, atomic_load: 1, srcu_read_unlock: 1 },
  // revocable_try_access(): srcu_read_lock + srcu_dereference(rp->res); withdraw: srcu_read_unlock.
  'c-revocable': { srcu_read_lock: 1, atomic_load: 1, srcu_read_unlock: 1 },
};
const fencedLike = (id: string) => id === 'kernel-c' || id === 'fenced';
const plus = (...cs: Counts[]): Counts => {
  const out: Counts = {};
  for (const c of cs) for (const [k, v] of Object.entries(c)) out[k] = (out[k] ?? 0) + v;
  return out;
};
const pairs = (n: number): Counts => ({ spin_lock_irqsave: n, spin_unlock_irqrestore: n });

describe.each(Object.keys(access))('census of %s', (id) => {
  const a = access[id] as Counts;
  const c = () => census.counts[id] as DisciplineCensus;

  it('MMIO read and write: the access and nothing else', () => {
    expect(c().paths['mmio-read']).toEqual(plus(a, { mmio_read: 1 }));
    expect(c().paths['mmio-write']).toEqual(plus(a, { mmio_write: 1 }));
  });

  it('hrtimer arm + expiry whose callback reads a register', () => {
    expect(c().paths['timer-expiry']).toEqual(plus(a, { mmio_read: 1, timer_arm: 1, irq: 1 }, pairs(3)));
  });

  it('work item queued and run', () => {
    expect(c().paths['work-item']).toEqual(
      plus(a, { mmio_read: 1, atomic_rmw: 1, wake_up: 1, context_switch: 1, barrier: 1 }, pairs(3)),
    );
  });

  it('ioctl', () => {
    const fence = id === 'fenced' ? { atomic_rmw: 2 } : {};
    expect(c().paths.ioctl).toEqual(plus(a, { syscall: 1, mmio_read: 1 }, fence));
  });

  it.each([1, 100])('unbind with %i outstanding timers', (n) => {
    const u = c().unbindAt.timers?.[n] as Counts;
    const lock = { mutex_lock: 1, mutex_unlock: 1 };
    if (fencedLike(id)) {
      expect(u).toEqual(plus(lock, { timer_cancel: n }, pairs(n)));
    } else if (id === 'srcu-device') {
      // drm_dev_unplug(): the flag and one synchronize_srcu for the device, whatever N.
      expect(u).toEqual(plus(lock, { synchronize_srcu: 1, gp_srcu: 1, wake_up: 1, context_switch: 1 }));
    } else if (id === 'c-revocable') {
      // One provider per timer's data: n revocations, an SRCU grace period each.
      expect(u).toEqual(plus(lock, { synchronize_srcu: n, gp_srcu: n, wake_up: n, context_switch: n }));
    } else {
      // One Devres per timer's data: n revokes, n grace periods. The timers stay armed.
      expect(u).toEqual(plus(lock, { atomic_rmw: n, synchronize_rcu: n, gp_rcu: n, wake_up: n, context_switch: n }));
    }
  });

  it.each([1, 100])('unbind with %i pending delayed works', (n) => {
    const u = c().unbindAt.works?.[n] as Counts;
    if (fencedLike(id)) {
      expect(u.timer_cancel).toBe(n);
      expect(u.gp_rcu).toBeUndefined();
    } else if (id === 'srcu-device' || id === 'c-revocable') {
      expect(u.gp_srcu).toBe(id === 'srcu-device' ? 1 : n);
      expect(u.gp_rcu).toBeUndefined();
    } else {
      expect(u.gp_rcu).toBe(n);
      expect(u.synchronize_rcu).toBe(n);
    }
  });

  it.each([1, 100])('unbind with %i open files', (n) => {
    const u = c().unbindAt.files?.[n] as Counts;
    // Revocable designs revoke every open file's private data (an RCU grace period each); the
    // srcu-device unplug waits one SRCU grace period; fenced and C deregister without one.
    const perFile = id === 'revocable' || id === 'devres-access' || id === 'c-revocable';
    expect(u.gp_rcu ?? 0).toBe(perFile ? n : 0);
    expect(u.gp_srcu ?? 0).toBe(id === 'srcu-device' ? 1 : 0);
  });
});
