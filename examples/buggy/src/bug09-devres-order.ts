// Bug 9: devres registration order makes iounmap run before the cancel —
// the fenced driver registers its work before mapping BAR0 and is unbound
// with the kernel's single LIFO pass: the mapping is released while the
// work may still be running.
import type { BuggyVariant } from './variant.js';

export const bug09: BuggyVariant = {
  bug: 9,
  slug: 'devres-order',
  title: 'devres registration order makes iounmap run before the cancel',
  world: {
    discipline: 'fenced',
    options: { unbindMode: 'lifo', fencedOrder: ['work', 'iomap', 'dma', 'timer', 'irq', 'misc'] },
    teardown: ['unbind'],
    teardownAtNs: 3_000_000,
  },
  expect: 'use-after-remove',
  preventedBy: 'two-phase unbind (every fence before any release, whatever the order)',
};
