/**
 * The misc registry of one kernel: `misc_list`, `misc_mtx`, the minor IDA,
 * and the `/dev` nodes.
 *
 * `/dev` model: registering creates the node `/dev/NAME` → minor. When the
 * device is deregistered the node is left behind as a stale node (as on a
 * static `/dev`, or a path resolved just before devtmpfs removed it), so an
 * open after deregister reaches `misc_open` and fails `-ENODEV`, as the
 * kernel's does. A stale node is dropped when its minor or its name is
 * registered again. A name never registered is `-ENOENT`.
 */
import { checkKernel, type Kernel, KernelLocal, Mutex } from '@quiesce/core-devres';
import { MinorIda } from './minor-ida.js';
import type { MiscDevice } from './misc-device.js';

const KEY = new KernelLocal((k: Kernel) => new MiscRegistry(k));

export class MiscRegistry {
  /** `misc_mtx`: serialises register, deregister and `misc_open` (including the driver's open). */
  readonly mutex: Mutex;
  /** `misc_minors_ida`. */
  readonly ida = new MinorIda();
  /** `misc_list`, indexed by minor. */
  readonly byMinor = new Map<number, MiscDevice>();
  /** Registered names (the sysfs `misc/NAME` directories: a duplicate is `-EEXIST`). */
  readonly names = new Set<string>();
  /** `/dev` nodes: name → minor (live or stale). */
  readonly nodes = new Map<string, number>();

  constructor(kernel: Kernel) {
    checkKernel('MiscRegistry.new', kernel, 'kernel');
    this.mutex = new Mutex(kernel, 'misc_mtx');
  }

  /** Creates `/dev/NAME`, dropping stale nodes that point at the same minor. */
  mknod(name: string, minor: number): void {
    for (const [n, m] of this.nodes) if (m === minor) this.nodes.delete(n);
    this.nodes.set(name, minor);
  }
}

/** The misc registry of `k`. Context: any. */
export function miscRegistry(k: Kernel): MiscRegistry {
  checkKernel('miscRegistry', k);
  return KEY.get(k);
}

/** `misc_mtx` of `k` (for tests and drivers that assert it is held). Context: any. */
export function miscMutex(k: Kernel): Mutex {
  checkKernel('miscMutex', k);
  return miscRegistry(k).mutex;
}
