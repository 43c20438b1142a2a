// Bug 4: a self-requeueing work survives a non-sync cancel — remove() calls
// cancel_delayed_work() (does not wait); a running instance requeues itself
// and runs again after iounmap.
import { CAREFUL_REMOVE } from '@quiesce/edu-driver';
import type { BuggyVariant } from './variant.js';

export const bug04: BuggyVariant = {
  bug: 4,
  slug: 'self-requeue-nosync',
  title: 'Self-requeueing work survives a non-sync cancel',
  world: {
    discipline: 'kernel',
    options: { removeSteps: CAREFUL_REMOVE.map((s) => (s === 'cancel_work_sync' ? 'cancel_work' : s)) },
    teardown: ['unbind'],
    teardownAtNs: 3_000_000,
  },
  expect: 'use-after-remove',
  preventedBy: 'fenced (disable_work_sync: a requeue after the fence is refused)',
};
