/**
 * The quiet window of the shared `might_sleep()` annotation (might-sleep.ts):
 * which context already filed `sleep-in-atomic` in this synchronous stretch.
 * Its own file so kernel.ts (`Kernel.mightSleep` asks {@link mightSleepQuiet})
 * does not import might-sleep.ts, which checks its `k` with `checkKernel` and
 * so imports kernel.ts.
 */
import type { Kernel } from './kernel.js';
import { KernelLocal } from './kernel-local.js';

/** The context key of the last report this annotation filed, until the stretch ends (a microtask later). */
export const QUIET = new KernelLocal((): { key: string | null } => ({ key: null }));

/** The key of the context `k` runs in now (kind, name, pid, CPU). Context: any. */
export function contextKey(k: Kernel): string {
  const c = k.contextInfo();
  return `${c.kind}/${c.name}/${c.pid}/${c.cpu}`;
}

/**
 * True while an enclosing annotated call of the same synchronous stretch and
 * context has already filed `sleep-in-atomic`: `Kernel.mightSleep` (the
 * blocking primitives: a mutex inside `device_add`) then stays quiet too.
 * Context: any.
 */
export function mightSleepQuiet(k: Kernel): boolean {
  const key = QUIET.get(k).key;
  return key !== null && key === contextKey(k);
}
