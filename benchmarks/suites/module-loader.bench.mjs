// Issue 4: the owner check at callback dispatch. Every timer, work item, IRQ
// handler and file operation is dispatched through core's `callbackRunnable`
// (one branch: built-in, or text not freed). This suite measures that branch
// with the owner built-in (null) and a live module against a direct call,
// sanitizer off, batched in an inner loop; once bare and once inside the
// atomic-context wrapper a timer dispatch pays anyway (`k.runAtomic`).
// Each case has its own loop closure, so one case's type feedback (a null
// owner, a Module) does not make another's call site polymorphic.
import { callbackRunnable, Kernel } from '@quiesce/core-devres';
import { defineModule, deleteModule, loadModule } from '@quiesce/module-loader';
import { isMain, printSuite, runSuite, sink } from '../lib/harness.mjs';

const OPS = 10_000;

function edu_poll(i) {
  sink.n += i & 1;
}

/** A registration as a subsystem stores it: the function, its owner, where it was registered. */
function registration(owner) {
  return { fn: edu_poll, name: edu_poll.name, owner, stack: undefined };
}

export async function suite() {
  const k = new Kernel({ trace: false, sanitizer: 'off' });
  const live = await k.exec('insmod', () => loadModule(k, defineModule({ name: 'edu' })));
  // Unload another module first: the measured state is a system after an rmmod.
  await k.exec('insmod', () => loadModule(k, defineModule({ name: 'old', exit: () => {} })));
  await k.exec('rmmod', () => deleteModule(k, 'old'));

  const a = registration(null);
  const b = registration(null);
  const c = registration(live);
  const d = registration(null);
  const e = registration(null);
  const f = registration(live);

  const tasks = [
    {
      name: 'direct call',
      ops: OPS,
      baseline: true,
      fn: () => {
        for (let i = 0; i < OPS; i++) a.fn(i);
      },
    },
    {
      name: 'checked, owner null (built-in)',
      ops: OPS,
      fn: () => {
        for (let i = 0; i < OPS; i++) if (callbackRunnable(k, b.owner, b.name, 'timer', b.stack)) b.fn(i);
      },
    },
    {
      name: 'checked, owner live module',
      ops: OPS,
      fn: () => {
        for (let i = 0; i < OPS; i++) if (callbackRunnable(k, c.owner, c.name, 'timer', c.stack)) c.fn(i);
      },
    },
    {
      name: 'runAtomic + direct call',
      ops: OPS,
      fn: () => {
        for (let i = 0; i < OPS; i++) k.runAtomic('softirq', 0, 'timer', () => d.fn(i));
      },
    },
    {
      name: 'runAtomic + checked, owner null',
      ops: OPS,
      fn: () => {
        for (let i = 0; i < OPS; i++)
          k.runAtomic('softirq', 0, 'timer', () => {
            if (callbackRunnable(k, e.owner, e.name, 'timer', e.stack)) e.fn(i);
          });
      },
    },
    {
      name: 'runAtomic + checked, owner live module',
      ops: OPS,
      fn: () => {
        for (let i = 0; i < OPS; i++)
          k.runAtomic('softirq', 0, 'timer', () => {
            if (callbackRunnable(k, f.owner, f.name, 'timer', f.stack)) f.fn(i);
          });
      },
    },
  ];
  return runSuite('module-loader: owner check at callback dispatch (sanitizer off)', tasks, { rounds: 3 });
}

export default suite;

if (isMain(import.meta.url)) printSuite(await suite());
