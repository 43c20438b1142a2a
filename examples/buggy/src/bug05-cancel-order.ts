// Bug 5: wrong teardown order — the work is cancelled before the timer that
// queues it; while remove() sleeps in between, the timer queues it again and
// it runs after iounmap.
import type { RemoveStep } from '@quiesce/edu-driver';
import type { BuggyVariant } from './variant.js';

const order: RemoveStep[] = [
  'misc_deregister',
  'fence_ioctls',
  'cancel_work_sync', // moved up: before the timer that queues it
  'quiesce',
  'hrtimer_cancel',
  'free_irq',
  'dma_free',
  'iounmap',
  'release_regions',
  'free_irq_vectors',
  'disable_device',
];

export const bug05: BuggyVariant = {
  bug: 5,
  slug: 'cancel-order',
  title: 'Wrong teardown order: work cancelled before the timer that queues it',
  world: { discipline: 'kernel', options: { removeSteps: order }, teardown: ['unbind'] },
  expect: 'use-after-remove',
  preventedBy: 'fenced two-phase (fences are permanent: a disabled work cannot be requeued)',
};
