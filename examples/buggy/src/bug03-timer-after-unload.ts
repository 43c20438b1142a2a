// Bug 3: an hrtimer fires after module unload — module_exit() forgets to
// cancel the module's statistics timer; its callback is freed text.
import type { BuggyVariant } from './variant.js';

export const bug03: BuggyVariant = {
  bug: 3,
  slug: 'timer-after-unload',
  title: 'hrtimer fires after module unload: execute-after-free',
  world: { discipline: 'kernel', options: { moduleTimer: 'leaked' }, teardown: ['rmmod'] },
  expect: 'execute-after-free',
  preventedBy: 'none of the data disciplines: only cancelling in module_exit (the owner check catches it)',
};
