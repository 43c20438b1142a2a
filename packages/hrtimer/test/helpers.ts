import { BusType, Device, Kernel, type KernelOptions, type ModuleOwner, type ModuleState } from '@quiesce/core-devres';

/** A fake module owner: flip `textFreed` to model `delete_module` having run exit. */
export class FakeModule implements ModuleOwner {
  state: ModuleState = 'LIVE';
  textFreed = false;
  refs = 0;
  constructor(readonly name: string) {}
  tryGet(): boolean {
    if (this.state === 'GOING' || this.textFreed) return false;
    this.refs++;
    return true;
  }
  put(): void {
    this.refs--;
  }
}

export function kernel(opts: KernelOptions = {}): Kernel {
  // A small step budget: a runaway RESTART storm fails fast instead of exhausting memory.
  return new Kernel({ cpus: 2, maxSteps: 200_000, ...opts });
}

export function device(k: Kernel, name = 'edu'): Device {
  const bus = new BusType(k, 'pci');
  return new Device(k, name, bus);
}

export function reportsOf(k: Kernel, kind: string): readonly { kind: string; title: string; detail: string }[] {
  return k.reports.filter((r) => r.kind === kind);
}

/** Spawns `fn` as a task and runs the kernel for `ns` (periodic timers never let `exec` go idle). */
export async function execFor<T>(k: Kernel, name: string, fn: () => Promise<T> | T, ns = 0): Promise<T> {
  const t = k.spawn(name, fn);
  const p = t.result();
  p.catch(() => undefined);
  await k.runFor(ns);
  if (!t.exited) throw new Error(`${name} did not finish within ${ns} ns`);
  return p;
}
