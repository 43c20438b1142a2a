import { Kernel, type KernelOptions } from '@quiesce/core-devres';
import { allocWorkqueue, type Workqueue } from '@quiesce/workqueue';

export function kernel(opts: KernelOptions = {}): Kernel {
  return new Kernel({ cpus: 2, ...opts });
}

/** A workqueue that must exist (no fault injection in play). */
export function wqOf(k: Kernel, name = 'test_wq', flags = 0, maxActive = 0): Workqueue {
  const wq = allocWorkqueue(k, name, flags, maxActive);
  if (wq === null) throw new Error('allocWorkqueue failed');
  return wq;
}

export function warnings(k: Kernel): string[] {
  return k.reports.filter((r) => r.kind === 'warn').map((r) => r.detail);
}
