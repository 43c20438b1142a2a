/**
 * `struct miscdevice`, and the bookkeeping misc.c keeps about one.
 */
import { type Kernel, WeakSlot } from '@quiesce/core-devres';
import type { FileFence } from '../fence/file-fence.js';
import type { File } from '../vfs/file.js';
import type { FileOperations } from '../vfs/fops.js';

/**
 * What `miscDeregister` does to files that are still open.
 * - `kernel`: nothing (the kernel's behaviour): they keep calling the
 *   driver's fops and keep the module pinned until closed.
 * - `fenced`: waits for in-flight operations, calls the driver's release for
 *   every open file, drops their module references, and from then on every
 *   operation fails `-ENODEV` in the VFS (no check in the driver).
 * - `sync`: `misc_deregister_sync` (see `miscDeregisterSync`): as fenced,
 *   but the files keep their module reference and the driver's release
 *   runs when each is closed.
 * - `revocable`: the file's private data lives in a `Revocable`; deregister
 *   revokes it (waiting for guards and a grace period); the driver's ops
 *   keep being called and must `tryAccess()` it, failing `-ENODEV`.
 */
export type MiscMode = 'kernel' | 'fenced' | 'sync' | 'revocable';

/**
 * `struct miscdevice`. Drivers may extend it with their own fields (the
 * `container_of` idiom: the driver's `open` finds its state from
 * `file.privateData`, which is the misc device on entry).
 */
export interface MiscDevice {
  /** Minor number, or `MISC_DYNAMIC_MINOR` (255): then the allocated minor is written back. */
  minor: number;
  /** Device name: the node is `/dev/NAME`. */
  readonly name: string;
  /** The file operations every open file of this device starts with. */
  readonly fops: FileOperations;
  /** Deregister discipline (default `kernel`; `devmMiscRegister` defaults to `fenced`). */
  mode?: MiscMode;
}

/** @internal misc.c's view of a registered device. */
export interface MiscState {
  readonly kernel: Kernel;
  readonly misc: MiscDevice;
  readonly mode: MiscMode;
  /** In-flight counter and core fence of the fenced and sync modes; null in the others (their dispatch does not count). */
  fence: FileFence | null;
  /** Open files (struct file) whose last reference is not yet gone. */
  readonly files: Set<File>;
  readonly registeredStack: string | undefined;
  /** On the misc list (`!list_empty(&misc->list)`). */
  registered: boolean;
  /** Fenced deregister done (or revoked) for this registration. */
  fenced: boolean;
}

// A WeakSlot, not a WeakMap: the state reaches its device (core-devres kernel/weak-slot.ts).
const STATES = new WeakSlot<MiscDevice, MiscState>('misc state');

/** @internal */
export function miscState(misc: MiscDevice): MiscState | undefined {
  return STATES.get(misc);
}

/** @internal */
export function setMiscState(misc: MiscDevice, st: MiscState | null): void {
  if (st === null) STATES.delete(misc);
  else STATES.set(misc, st);
}
