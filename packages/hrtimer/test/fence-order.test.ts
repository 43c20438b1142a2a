// The devm timer's fence goes through the core Fence: flag first, then
// hrtimer_cancel's wait; nothing re-arms the timer during the wait; after
// the fence an hrtimer_start is the one callback-after-fence report.
import { BusType, Device, deviceAdd, deviceReleaseDriver, sleepNs } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  devmHrtimerSetup,
  HRTIMER_RESTART,
  HrTimer,
  HrtimerMode,
  hrtimerActive,
  hrtimerForwardNow,
  hrtimerIsQueued,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { describe, expect, it } from 'vitest';
import { kernel } from './helpers.js';

const PERIOD = 1_000_000;
const SPAN = 300_000;

class Poll extends HrTimer {
  ticks = 0;
}

function edu_poll(t: Poll): 0 | 1 {
  t.ticks++;
  hrtimerForwardNow(t, PERIOD);
  return HRTIMER_RESTART;
}

async function boundTimer() {
  const k = kernel();
  const bus = new BusType(k, 'pci');
  const dev = new Device(k, 'edu', bus);
  let timer: Poll | null = null;
  bus.drivers.push({
    name: 'edu',
    owner: null,
    async probe(d: Device) {
      timer = devmHrtimerSetup(d, new Poll(), edu_poll, CLOCK_MONOTONIC, HrtimerMode.REL, null, {
        callbackSpanNs: SPAN,
      });
    },
  });
  const t = k.spawn('probe', () => deviceAdd(dev));
  await k.runFor(0);
  await t.result();
  return { k, dev, timer: timer as unknown as Poll };
}

describe('devm hrtimer fence order (core Fence)', () => {
  it('the flag closes before hrtimer_cancel waits; the RESTART at the end of the span and a start from another task are refused', async () => {
    const { k, dev, timer } = await boundTimer();
    k.spawn('arm', () => hrtimerStart(timer, PERIOD, HrtimerMode.REL), 1);
    await k.runFor(PERIOD + 100_000); // the callback ran at 1 ms on CPU 1 and occupies it until 1.3 ms
    expect(timer.ticks).toBe(1);
    const unbind = k.spawn('unbind', () => deviceReleaseDriver(dev), 0);
    // Another context tries to arm the timer while the fence waits (at 1.2 ms).
    k.spawn(
      'rearm',
      async () => {
        await sleepNs(k, 100_000);
        hrtimerStart(timer, 10, HrtimerMode.REL);
        expect(hrtimerIsQueued(timer)).toBe(false);
      },
      0,
    ); // CPU 0: CPU 1 is busy with the callback's span
    await k.runFor(10 * PERIOD);
    await unbind.result();
    const ev = (name: string) => k.traceLog.filter((e) => e.ev === name && e.detail.startsWith('hrtimer edu_poll'));
    const closeAt = ev('fence_close')[0]?.t;
    const doneAt = ev('fence_done')[0]?.t;
    expect(closeAt).toBe(PERIOD + 100_000); // at once, before the wait
    expect(doneAt).toBe(PERIOD + SPAN); // hrtimer_cancel waited out the span
    expect(ev('fence_refused').map((e) => [e.t, e.detail])).toEqual([
      [PERIOD + 200_000, 'hrtimer edu_poll: hrtimer_start (fencing)'],
      [PERIOD + SPAN, 'hrtimer edu_poll: HRTIMER_RESTART (fencing)'],
    ]);
    // Refusals during the wait are the kernel's own cancel semantics: no report.
    expect(k.reports).toEqual([]);
    expect(timer.ticks).toBe(1);
    expect(hrtimerActive(timer)).toBe(false);
    expect(timer.isFenced).toBe(true);
  });

  it('after the fence an hrtimer_start is the one callback-after-fence report, naming the resource', async () => {
    const { k, dev, timer } = await boundTimer();
    const u = k.spawn('unbind', () => deviceReleaseDriver(dev));
    await k.runFor(0);
    await u.result();
    hrtimerStart(timer, 10, HrtimerMode.REL);
    await k.runFor(10 * PERIOD);
    expect(timer.ticks).toBe(0);
    expect(k.reports.map((r) => [r.kind, r.resource, r.title])).toEqual([
      ['callback-after-fence', 'hrtimer edu_poll', 'BUG: hrtimer_start on fenced hrtimer edu_poll'],
    ]);
    expect(k.reports[0]?.stacks.acquired).toEqual(expect.any(String));
    expect(k.traceLog.some((e) => e.ev === 'fence_close' && e.detail === 'hrtimer edu_poll')).toBe(true);
  });
});
