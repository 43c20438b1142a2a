/**
 * Which kernels are running (inside `run`, `runFor` or `exec`) right now.
 *
 * Some kernel objects belong to no kernel until they are set up or
 * registered (a `new HrTimer()`, a `MiscDevice` literal, a `UserBuffer`),
 * yet the kernel's answer to misusing one is a `WARN` (or a might_sleep
 * check) in the running kernel (`hrtimer_start` on a timer never set up,
 * `misc_deregister` of a device never registered). In C there is one
 * kernel, the caller's. Here several may run at once, nested (a task of one
 * awaits another's `exec`) or concurrently (two runs interleaved on the
 * event loop), so {@link runningKernel} names the caller's kernel by a fixed
 * rule (docs/validation.md, "Objects of no kernel").
 */
import type { Kernel } from './kernel.js';

/** One entry per run in progress, in the order the runs started. */
const RUNS: { readonly k: Kernel }[] = [];

/**
 * Marks `k` running from now until the run `start()` begins settles (the
 * mark comes first: a run's first step executes synchronously inside
 * `start`). Returns the run's promise.
 */
export function trackRunning<T>(k: Kernel, start: () => Promise<T>): Promise<T> {
  const entry = { k };
  RUNS.push(entry);
  const done = (): void => {
    const i = RUNS.indexOf(entry);
    if (i >= 0) RUNS.splice(i, 1);
  };
  let p: Promise<T>;
  try {
    p = start();
  } catch (e) {
    done();
    throw e;
  }
  p.then(done, done);
  return p;
}

/**
 * onlyRunningKernel - the one kernel running now.
 *
 * Context: any. Returns: that kernel, or null when none or several (distinct
 * kernels) are running. No kernel counterpart; {@link runningKernel} answers
 * for several.
 */
export function onlyRunningKernel(): Kernel | null {
  let only: Kernel | null = null;
  for (const { k } of RUNS) {
    if (only !== null && only !== k) return null;
    only = k;
  }
  return only;
}

/**
 * runningKernel - the kernel a call on an object is made in.
 * @param owner the object's own kernel, or null for one that belongs to none.
 *
 * The object's own kernel when it has one. Otherwise, of the kernels
 * running now: the one inside an atomic callback (a timer or an IRQ
 * handler runs synchronously, so nothing else runs meanwhile: the caller is
 * that callback), else the innermost: the latest started run still in
 * progress. A task of kernel A that awaits `B.exec(...)` is inside both: its
 * code in B's task gets B, and A's code after the `exec` settles gets A.
 * Two runs interleaved on the event loop cannot be told apart from a task's
 * code (no task of either is "current" in JavaScript's sense): outside an
 * atomic callback both get the latest started (deliberate difference; C
 * has one kernel, the caller's).
 *
 * Context: any. Returns: the kernel, or null when the object has none and
 * no kernel is running (the caller then has nowhere to warn and throws).
 */
export function runningKernel(owner: Kernel | null = null): Kernel | null {
  if (owner !== null) return owner;
  for (let i = RUNS.length - 1; i >= 0; i--) {
    const k = (RUNS[i] as { readonly k: Kernel }).k;
    if (k.inInterrupt()) return k;
  }
  return RUNS.at(-1)?.k ?? null;
}
