/**
 * The ABBA driver of issue 14, as a new user wrote it: its ioctl takes
 * `io_lock` then `cfg_lock`, its remove() takes `cfg_lock` then `io_lock`, and
 * a 1 ms periodic hrtimer polls the device the whole time. Most schedules end
 * with both tasks blocked for ever while the timer keeps firing -- the case
 * the old "nothing runnable and no timer armed" check never saw.
 *
 * `fixed: true` is the same driver with remove() taking the locks in the
 * ioctl's order (the fix), which must be clean.
 */
import { type Kernel, type KernelOptions, Mutex } from '@quiesce/core-devres';
import type { Scenario } from '@quiesce/explorer';
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

const POLL_NS = 1_000_000;

/** The driver's state: two locks, a config word, the poll timer. */
export interface AbbaDev {
  ioLock: Mutex;
  cfgLock: Mutex;
  cfg: number;
  polls: number;
  poll: HrTimer;
}

/** probe(): locks, the 1 ms poll timer started. Context: task. */
export function abbaProbe(k: Kernel): AbbaDev {
  const dev = { ioLock: new Mutex(k, 'io_lock'), cfgLock: new Mutex(k, 'cfg_lock'), cfg: 0, polls: 0 } as AbbaDev;
  dev.poll = hrtimerSetup(
    k,
    new HrTimer(),
    function abba_poll(t) {
      dev.polls++;
      hrtimerForwardNow(t, POLL_NS);
      return HRTIMER_RESTART;
    },
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL,
    null,
  );
  hrtimerStart(dev.poll, POLL_NS, HRTIMER_MODE_REL);
  return dev;
}

/** ioctl(SET_CFG): io_lock, then cfg_lock. Context: may sleep. */
export async function abbaIoctl(dev: AbbaDev, value: number): Promise<void> {
  await dev.ioLock.lock();
  await dev.cfgLock.lock();
  dev.cfg = value;
  dev.cfgLock.unlock();
  dev.ioLock.unlock();
}

/** remove(): cfg_lock, then io_lock (the bug; `fixed` takes io_lock first), then stops the timer. Context: may sleep. */
export async function abbaRemove(dev: AbbaDev, fixed: boolean): Promise<void> {
  const [first, second] = fixed ? [dev.ioLock, dev.cfgLock] : [dev.cfgLock, dev.ioLock];
  await first.lock();
  await second.lock();
  dev.cfg = -1;
  second.unlock();
  first.unlock();
  await hrtimerCancel(dev.poll);
}

/** The explorer scenario: probe, then an ioctl racing remove, for 20 ms of virtual time. */
export function abbaScenario(opts: { fixed?: boolean; kernel?: Partial<KernelOptions> } = {}): Scenario {
  const fixed = opts.fixed === true;
  return {
    name: fixed ? 'abba-fixed' : 'abba',
    setup(k) {
      const dev = abbaProbe(k);
      k.spawn('ioctl', () => abbaIoctl(dev, 1));
      k.spawn('remove', () => abbaRemove(dev, fixed));
    },
    runFor: 20 * POLL_NS,
    kernel: { ...opts.kernel },
    expect: fixed ? 'clean' : 'deadlock',
  };
}
