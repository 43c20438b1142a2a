// Bug 10: revocable-only design — the data is guarded (the poll finds
// tryAccess() null after unbind and keeps polling), but nothing cancels the
// timer: after module unload its callback is freed text.
import type { BuggyVariant } from './variant.js';

export const bug10: BuggyVariant = {
  bug: 10,
  slug: 'revocable-eaf',
  title: 'Revocable-only design: data access guarded, callback still EAF at unload',
  world: { discipline: 'revocable', options: { revocableTimer: 'leaked' }, teardown: ['unbind', 'rmmod'] },
  expect: 'execute-after-free',
  preventedBy: 'fenced (cancel the timer at unbind) or pinning the module while the timer lives',
};
