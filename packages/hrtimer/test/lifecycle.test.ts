import {
  type BoundDevice,
  BusType,
  Device,
  type Driver,
  deviceAdd,
  deviceBind,
  deviceReleaseDriver,
  devresAdd,
  FencedView,
  Revocable,
} from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  devmHrtimerSetup,
  HRTIMER_NORESTART,
  HRTIMER_RESTART,
  HrTimer,
  HrtimerMode,
  hrtimerActive,
  hrtimerCancel,
  hrtimerForwardNow,
  hrtimerIsQueued,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { describe, expect, it } from 'vitest';
import { execFor, FakeModule, kernel, reportsOf } from './helpers.js';

const PERIOD = 1_000_000; // 1 ms

/** Driver data with the timer embedded, reached from the callback as container_of would. */
class EduPoll extends HrTimer {
  ticks = 0;
  constructor(readonly bar: FencedView) {
    super();
  }
}

function eduPoll(t: EduPoll): 0 | 1 {
  t.ticks++;
  t.bar.readl(0); // touches the BAR on every tick
  hrtimerForwardNow(t, PERIOD);
  return HRTIMER_RESTART;
}

function setupDevice(name = 'edu') {
  const k = kernel();
  const bus = new BusType(k, 'pci');
  const dev = new Device(k, name, bus);
  return { k, bus, dev };
}

/** A BAR as a devres-managed fenced view (released at unbind). */
function mapBar(dev: Device): FencedView {
  const bar = new FencedView(dev.kernel, 'edu BAR0', new DataView(new ArrayBuffer(256)));
  devresAdd(dev, { name: 'iomap BAR0', release: () => bar.release() });
  return bar;
}

describe('owner check at expiry', () => {
  it('a callback whose module text is freed is not called: execute-after-free, timer left inactive', async () => {
    const { k } = setupDevice();
    const mod = new FakeModule('edu');
    let calls = 0;
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      function edu_timer_fn(tm) {
        calls++;
        hrtimerForwardNow(tm, 100);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.REL,
      mod,
    );
    hrtimerStart(t, 100, HrtimerMode.REL);
    await k.runFor(150);
    expect(calls).toBe(1);
    mod.state = 'GOING';
    mod.textFreed = true; // delete_module ran exit; the driver forgot hrtimer_cancel
    await k.run();
    expect(calls).toBe(1);
    const eaf = reportsOf(k, 'execute-after-free');
    expect(eaf).toHaveLength(1);
    expect(eaf[0]?.title).toContain('edu_timer_fn [edu]');
    expect(hrtimerActive(t)).toBe(false);
    expect(k.armedTimers).toBe(0);
  });

  it('a built-in (null owner) or live module callback runs', async () => {
    const { k } = setupDevice();
    const mod = new FakeModule('edu');
    let calls = 0;
    const fn = () => {
      calls++;
      return HRTIMER_NORESTART;
    };
    const a = hrtimerSetup(k, new HrTimer(), fn, CLOCK_MONOTONIC, HrtimerMode.ABS, null);
    const b = hrtimerSetup(k, new HrTimer(), fn, CLOCK_MONOTONIC, HrtimerMode.ABS, mod);
    hrtimerStart(a, 1, HrtimerMode.ABS);
    hrtimerStart(b, 2, HrtimerMode.ABS);
    await k.run();
    expect(calls).toBe(2);
    expect(k.reports).toHaveLength(0);
  });
});

describe('fenced discipline: devmHrtimerSetup', () => {
  function fencedDriver(timers: EduPoll[]): Driver {
    return {
      name: 'edu',
      owner: null,
      async probe(dev: Device) {
        const bar = mapBar(dev);
        const t = devmHrtimerSetup(dev, new EduPoll(bar), eduPoll, CLOCK_MONOTONIC, HrtimerMode.REL, null);
        hrtimerStart(t, PERIOD, HrtimerMode.REL);
        timers.push(t);
      },
    };
  }

  it('after unbind the callback never runs again and the BAR is never touched after release', async () => {
    const { k, bus, dev } = setupDevice();
    const timers: EduPoll[] = [];
    bus.drivers.push(fencedDriver(timers));
    await execFor(k, 'probe', () => deviceAdd(dev));
    await k.runFor(5.5 * PERIOD);
    const t = timers[0] as EduPoll;
    expect(t.ticks).toBe(5);
    await execFor(k, 'unbind', () => deviceReleaseDriver(dev));
    expect(hrtimerActive(t)).toBe(false);
    expect(t.isFenced).toBe(true);
    expect(t.bar.isReleased).toBe(true);
    await k.runFor(10 * PERIOD);
    expect(t.ticks).toBe(5);
    expect(k.reports).toHaveLength(0);
  });

  it('the fence waits for a callback running on another CPU (and cancels its RESTART)', async () => {
    const { k, bus, dev } = setupDevice();
    let t: EduPoll | null = null;
    bus.drivers.push({
      name: 'edu',
      owner: null,
      async probe(d: Device) {
        const bar = mapBar(d);
        t = devmHrtimerSetup(d, new EduPoll(bar), eduPoll, CLOCK_MONOTONIC, HrtimerMode.REL, null, {
          callbackSpanNs: 300_000,
        });
      },
    });
    await execFor(k, 'probe', () => deviceAdd(dev));
    const timer = t as unknown as EduPoll;
    k.spawn('arm', () => hrtimerStart(timer, PERIOD, HrtimerMode.REL), 1);
    await k.runFor(PERIOD + 100_000); // callback ran at 1 ms on CPU 1, running until 1.3 ms
    const unbind = k.spawn('unbind', () => deviceReleaseDriver(dev), 0);
    await k.runFor(10 * PERIOD);
    await unbind.result();
    expect(timer.ticks).toBe(1);
    expect(hrtimerActive(timer)).toBe(false);
    expect(k.reports).toHaveLength(0);
    const fenceAt = k.traceLog.find((e) => e.ev === 'hrtimer_fenced')?.t;
    expect(fenceAt).toBe(PERIOD + 300_000);
  });

  it('hrtimer_start after the fence is refused (callback-after-fence) and the timer stays idle', async () => {
    const { k, bus, dev } = setupDevice();
    const timers: EduPoll[] = [];
    bus.drivers.push(fencedDriver(timers));
    await execFor(k, 'probe', () => deviceAdd(dev));
    await execFor(k, 'unbind', () => deviceReleaseDriver(dev));
    const t = timers[0] as EduPoll;
    hrtimerStart(t, 10, HrtimerMode.REL);
    expect(hrtimerIsQueued(t)).toBe(false);
    await k.runFor(10 * PERIOD);
    expect(t.ticks).toBe(0);
    const r = reportsOf(k, 'callback-after-fence');
    expect(r).toHaveLength(1);
    expect(r[0]?.title).toContain('eduPoll');
  });

  it('a second probe re-sets the timer up and it works again', async () => {
    const { k, bus, dev } = setupDevice();
    const timers: EduPoll[] = [];
    const drv = fencedDriver(timers);
    bus.drivers.push(drv);
    await execFor(k, 'probe', () => deviceAdd(dev));
    await execFor(k, 'unbind', () => deviceReleaseDriver(dev));
    await execFor(k, 'rebind', () => deviceBind(dev, drv));
    await k.runFor(2.5 * PERIOD);
    expect(timers[1]?.ticks).toBe(2);
    await execFor(k, 'unbind', () => deviceReleaseDriver(dev));
    expect(k.reports).toHaveLength(0);
  });
});

describe('leak at unbind', () => {
  it('a timer set up during probe and still armed after remove() is a leak-at-unbind report', async () => {
    const { k, bus, dev } = setupDevice();
    let t: HrTimer | null = null;
    bus.drivers.push({
      name: 'edu',
      owner: null,
      async probe() {
        t = hrtimerSetup(
          k,
          new HrTimer(),
          function edu_watchdog() {
            return HRTIMER_NORESTART;
          },
          CLOCK_MONOTONIC,
          HrtimerMode.REL,
          null,
        );
        hrtimerStart(t, 100 * PERIOD, HrtimerMode.REL);
      },
    });
    await execFor(k, 'probe', () => deviceAdd(dev));
    await execFor(k, 'unbind', () => deviceReleaseDriver(dev));
    const leaks = reportsOf(k, 'leak-at-unbind');
    expect(leaks).toHaveLength(1);
    expect(leaks[0]?.title).toContain('hrtimer edu_watchdog');
    expect(t).not.toBeNull();
  });

  it('no report when remove() cancels it', async () => {
    const { k, bus, dev } = setupDevice();
    let t: HrTimer | null = null;
    bus.drivers.push({
      name: 'edu',
      owner: null,
      async probe() {
        t = hrtimerSetup(k, new HrTimer(), () => HRTIMER_NORESTART, CLOCK_MONOTONIC, HrtimerMode.REL, null);
        hrtimerStart(t, 100 * PERIOD, HrtimerMode.REL);
      },
      async remove(_dev: Device, _bound: BoundDevice) {
        expect(await hrtimerCancel(t as unknown as HrTimer)).toBe(1);
      },
    });
    await execFor(k, 'probe', () => deviceAdd(dev));
    await execFor(k, 'unbind', () => deviceReleaseDriver(dev));
    expect(k.reports).toHaveLength(0);
  });
});

describe('revocable discipline', () => {
  it('the callback reaches its data through Revocable.tryAccess() and stops (NORESTART) once revoked', async () => {
    const { k } = setupDevice();
    const bar = new FencedView(k, 'edu BAR0', new DataView(new ArrayBuffer(256)));
    bar.writel(0x010000ed, 0);
    const rev = new Revocable(k, bar, 'edu BAR0', (v) => v.release());
    const reads: number[] = [];
    let nulls = 0;
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      (tm) => {
        const b = rev.tryAccess();
        if (b === null) {
          nulls++;
          return HRTIMER_NORESTART;
        }
        reads.push(b.readl(0));
        hrtimerForwardNow(tm, PERIOD);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.REL,
      null,
    );
    hrtimerStart(t, PERIOD, HrtimerMode.REL);
    await k.runFor(3.5 * PERIOD);
    await execFor(k, 'unbind', () => rev.revoke(), 2 * PERIOD); // revoke waits a grace period
    await k.runFor(10 * PERIOD);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect(reads.every((r) => r === 0x010000ed)).toBe(true);
    expect(nulls).toBe(1); // the first tick after revoke sees null and stops
    expect(hrtimerActive(t)).toBe(false);
    expect(bar.isReleased).toBe(true);
    expect(k.reports).toHaveLength(0);
  });

  it('revocable data does not protect the function pointer: module gone → execute-after-free', async () => {
    const { k } = setupDevice();
    const mod = new FakeModule('edu');
    const rev = new Revocable(k, { v: 1 }, 'edu data');
    const t = hrtimerSetup(
      k,
      new HrTimer(),
      function edu_rev_poll(tm) {
        if (rev.tryAccess() === null) return HRTIMER_NORESTART;
        hrtimerForwardNow(tm, PERIOD);
        return HRTIMER_RESTART;
      },
      CLOCK_MONOTONIC,
      HrtimerMode.REL,
      mod,
    );
    hrtimerStart(t, PERIOD, HrtimerMode.REL);
    await k.runFor(1.5 * PERIOD);
    mod.state = 'GOING';
    mod.textFreed = true;
    await k.runFor(2 * PERIOD);
    expect(reportsOf(k, 'execute-after-free')).toHaveLength(1);
  });
});
