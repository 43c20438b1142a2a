/**
 * Which kernels are running (inside `run`, `runFor` or `exec`) right now.
 *
 * Some kernel objects belong to no kernel until they are set up or
 * registered (a `new HrTimer()`, a `MiscDevice` literal), yet the kernel's
 * answer to misusing one is a `WARN` in the running kernel (`hrtimer_start`
 * on a timer never set up, `misc_deregister` of a device never registered).
 * When exactly one kernel is running, the call can only come from it (or
 * from code outside every kernel while it runs, where that kernel is still
 * the only one to warn in); with none or several, the caller cannot be told
 * and the API throws instead.
 */
import type { Kernel } from './kernel.js';

const RUNNING = new Map<Kernel, number>();

/**
 * Marks `k` running from now until the run `start()` begins settles (the
 * mark comes first: a run's first step executes synchronously inside
 * `start`). Returns the run's promise.
 */
export function trackRunning<T>(k: Kernel, start: () => Promise<T>): Promise<T> {
  RUNNING.set(k, (RUNNING.get(k) ?? 0) + 1);
  const done = (): void => {
    const n = (RUNNING.get(k) ?? 1) - 1;
    if (n <= 0) RUNNING.delete(k);
    else RUNNING.set(k, n);
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
 * The one kernel running now, or null when none or several are (then the
 * caller of a kernel-less object cannot be told). Context: any.
 */
export function onlyRunningKernel(): Kernel | null {
  if (RUNNING.size !== 1) return null;
  for (const k of RUNNING.keys()) return k;
  return null;
}
