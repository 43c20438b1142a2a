// Bug 7: open() races module unload — the file operations have no .owner,
// so an open file does not pin the module; after rmmod the next ioctl calls
// freed text.
import type { BuggyVariant } from './variant.js';

export const bug07: BuggyVariant = {
  bug: 7,
  slug: 'fops-no-owner',
  title: 'open() races module unload (file operations without an owner): EAF',
  world: {
    discipline: 'kernel',
    options: { fopsOwner: 'none' },
    teardown: ['rmmod'],
    rounds: 8,
    persistentUsers: true,
  },
  expect: 'execute-after-free',
  preventedBy: 'fops .owner = THIS_MODULE (open pins the module); the fenced miscdev also fences open files',
};
