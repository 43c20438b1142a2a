// Bug 6: the IRQ handler runs after its data is freed — remove() unmaps BAR0
// and only then, after letting the device settle, calls free_irq(); a
// completion interrupt in between runs the handler on the unmapped BAR.
import type { RemoveStep } from '@quiesce/edu-driver';
import type { BuggyVariant } from './variant.js';

const order: RemoveStep[] = [
  'misc_deregister',
  'fence_ioctls',
  'hrtimer_cancel',
  'cancel_work_sync',
  'dma_free',
  'iounmap',
  'settle',
  'free_irq', // moved down: after the unmap
  'release_regions',
  'free_irq_vectors',
  'disable_device',
];

export const bug06: BuggyVariant = {
  bug: 6,
  slug: 'irq-after-unmap',
  title: 'IRQ handler runs after its data is freed (no free_irq before unmap)',
  world: { discipline: 'kernel', options: { removeSteps: order }, teardown: ['unbind'], users: 3 },
  expect: 'use-after-remove',
  preventedBy: 'fenced (devm IRQ: free_irq is a fence, the unmap a release)',
};
