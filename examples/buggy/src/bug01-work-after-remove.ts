// Bug 1: BAR used from a work item after remove — remove() never calls
// cancel_work_sync(), so the completion work (requeueing itself while a DMA
// runs) reads BAR0 after iounmap.
import { CAREFUL_REMOVE } from '@quiesce/edu-driver';
import type { BuggyVariant } from './variant.js';

export const bug01: BuggyVariant = {
  bug: 1,
  slug: 'work-after-remove',
  title: 'BAR used from a work item after remove (no cancel_work_sync)',
  world: {
    discipline: 'kernel',
    options: { removeSteps: CAREFUL_REMOVE.filter((s) => s !== 'cancel_work_sync') },
    teardown: ['unbind'],
  },
  expect: 'use-after-remove',
  preventedBy: 'fenced (devm work: disable_work_sync fence before any release)',
};
