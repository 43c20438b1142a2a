// Toy lifecycle scenarios for the explorer's CLI, worker and benchmark (plain
// JS: worker threads and the built CLI import them with plain Node, where
// '@quiesce/core-devres' is the built package).
//
// A "driver" maps a BAR (a FencedView) and polls it from an hrtimer-like
// callback that a user task keeps re-arming; an unbind task tears down.
// - `buggy`: unbind stops re-arming but never cancels the timer, then frees
//   the BAR: a callback still queued reads freed MMIO (use-after-remove),
//   in the schedules where it is queued at the free.
// - `misordered`: frees first, cancels after a scheduling point.
// - `fenced`: stop re-arming, cancel the timer, then free (the fence), so no
//   schedule can run the callback after the free.
import { FencedView, timerEntry } from '@quiesce/core-devres';

/** Builds the toy in one of its variants. */
export function toyScenario(variant, rounds = 3) {
  return {
    name: `toy-${variant}`,
    expect: variant === 'fenced' ? 'clean' : 'use-after-remove',
    setup(k) {
      const bar = new FencedView(k, 'toy BAR0', new DataView(new ArrayBuffer(16)));
      let stopping = false;
      const poll = timerEntry('hrtimer toy_poll', 0, () =>
        k.runAtomic('softirq', 0, 'hrtimer toy_poll', () => {
          bar.readl(0);
        }),
      );
      k.spawn(
        'user',
        async () => {
          for (let i = 0; i < rounds; i++) {
            if (!stopping) {
              k.armTimer(poll, k.now);
              k.trace('hrtimer_start', 'toy_poll');
            }
            await k.yield();
          }
        },
        0,
      );
      k.spawn(
        'unbind',
        async () => {
          await k.yield();
          stopping = true;
          if (variant === 'misordered') {
            bar.release();
            await k.yield();
            k.cancelTimer(poll);
            return;
          }
          await k.yield();
          if (variant === 'fenced') {
            k.cancelTimer(poll);
            k.trace('hrtimer_cancel', 'toy_poll');
          }
          bar.release();
        },
        1,
      );
    },
  };
}

export const buggy = toyScenario('buggy');
export const misordered = toyScenario('misordered');
export const fenced = toyScenario('fenced');
export default buggy;
