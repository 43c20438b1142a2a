// Bug 8: misc_deregister() while an ioctl is in flight, then the BAR is
// unmapped — remove() drops the "fence ioctls" handshake; open files keep
// calling the driver (misc_deregister does not wait) and reach BAR0 after
// iounmap.
import { CAREFUL_REMOVE } from '@quiesce/edu-driver';
import type { BuggyVariant } from './variant.js';

export const bug08: BuggyVariant = {
  bug: 8,
  slug: 'deregister-inflight',
  title: 'misc_deregister while an ioctl is in flight, then the BAR is unmapped',
  world: {
    discipline: 'kernel',
    options: { removeSteps: CAREFUL_REMOVE.filter((s) => s !== 'fence_ioctls') },
    teardown: ['unbind'],
    rounds: 8,
  },
  expect: 'use-after-remove',
  preventedBy: 'fenced miscdev (deregister waits for in-flight file operations)',
};
