import { isKernelError, type Kernel } from '@quiesce/core-devres';

/** Runs `fn` in a task until idle; returns 0 on success or the KernelError's (negative) errno. */
export async function attempt(k: Kernel, fn: () => Promise<unknown>): Promise<number> {
  return k.exec('syscall', async () => {
    try {
      await fn();
      return 0;
    } catch (e) {
      if (isKernelError(e)) return e.errno;
      throw e;
    }
  });
}

export const ENOENT = -2;
export const EWOULDBLOCK = -11;
export const EBUSY = -16;
export const EEXIST = -17;

/**
 * Runs `fn` as a task and returns its result without letting the clock move
 * (`runFor(0)`): timers armed by it stay armed. Rethrows the task's error.
 */
export async function syscall<T>(k: Kernel, name: string, fn: () => Promise<T>): Promise<T> {
  const t = k.spawn(name, fn);
  const p = t.result();
  p.catch(() => undefined);
  await k.runFor(0);
  return p;
}
