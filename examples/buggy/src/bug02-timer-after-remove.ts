// Bug 2: the hrtimer fires after remove and touches freed driver data —
// remove() forgets hrtimer_cancel(), the liveness poll reads an unmapped BAR0.
import { CAREFUL_REMOVE } from '@quiesce/edu-driver';
import type { BuggyVariant } from './variant.js';

export const bug02: BuggyVariant = {
  bug: 2,
  slug: 'timer-after-remove',
  title: 'hrtimer fires after remove and touches freed driver data',
  world: {
    discipline: 'kernel',
    options: { removeSteps: CAREFUL_REMOVE.filter((s) => s !== 'hrtimer_cancel') },
    teardown: ['unbind'],
  },
  expect: 'use-after-remove',
  preventedBy: 'fenced (devm hrtimer: hrtimer_cancel fence)',
};
