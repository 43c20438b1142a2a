/**
 * `misc_register` / `misc_deregister` (drivers/char/misc.c).
 */
import {
  captureStack,
  checkKernel,
  checkObject,
  currentBindingDevice,
  fenceInit,
  fenceSync,
  type Kernel,
  KernelError,
  runningKernel,
  trackResource,
} from '@quiesce/core-devres';
import { fenceOpenFiles, killOpenFiles, revokeOpenFiles } from '../fence/fence-files.js';
import { FileFence } from '../fence/file-fence.js';
import type { File } from '../vfs/file.js';
import { checkMiscDevice } from './check.js';
import { MISC_DYNAMIC_MINOR } from './constants.js';
import { type MiscDevice, type MiscState, miscState, setMiscState } from './misc-device.js';
import { miscRegistry } from './registry.js';

/**
 * `misc_register()`: registers `misc` and creates `/dev/NAME`.
 *
 * With `misc.minor === MISC_DYNAMIC_MINOR` the lowest free minor from 256
 * up is allocated and written back into `misc.minor`. Registered during a
 * probe (`currentBindingDevice`), the device is tracked for the leak check
 * at unbind (busy while registered). Context: may sleep (takes `misc_mtx`).
 *
 * Errors: a `TypeError` for what C's `struct miscdevice` cannot hold (a
 * non-integer minor, a name that is not a string, a file operation that is
 * not a function, an unknown mode): nothing taken;
 * `-EINVAL` for a fixed minor above 255 or negative (nothing taken);
 * `-EBUSY` for a fixed minor in use, or no dynamic minor left; `-EEXIST`
 * when the name is registered (sysfs's duplicate-name error from
 * `device_create`): the minor is freed again and a dynamic `misc.minor` is
 * reset to `MISC_DYNAMIC_MINOR`.
 */
export async function miscRegister(k: Kernel, misc: MiscDevice): Promise<void> {
  await registerInternal(k, misc, false);
}

/** @internal */
export async function registerInternal(k: Kernel, misc: MiscDevice, managed: boolean): Promise<void> {
  checkKernel('misc_register', k);
  checkMiscDevice('misc_register', misc);
  const isDynamic = misc.minor === MISC_DYNAMIC_MINOR;
  if (misc.minor < 0 || misc.minor > MISC_DYNAMIC_MINOR) {
    throw new KernelError('EINVAL', `Invalid fixed minor ${misc.minor} for miscdevice '${misc.name}'`);
  }
  const prev = miscState(misc);
  if (prev?.registered) throw new KernelError('EBUSY', `miscdevice '${misc.name}' is already registered`);
  const reg = miscRegistry(k);
  await reg.mutex.lock();
  try {
    if (isDynamic) {
      const m = reg.ida.allocDynamic();
      if (m < 0) throw new KernelError('EBUSY', `no dynamic misc minor left for '${misc.name}'`);
      misc.minor = m;
    } else if (reg.byMinor.has(misc.minor) || !reg.ida.allocFixed(misc.minor)) {
      throw new KernelError('EBUSY', `misc minor ${misc.minor} is in use ('${misc.name}')`);
    }
    if (reg.names.has(misc.name)) {
      reg.ida.free(misc.minor);
      const minor = misc.minor;
      if (isDynamic) misc.minor = MISC_DYNAMIC_MINOR;
      throw new KernelError(
        'EEXIST',
        `sysfs: cannot create duplicate filename '/devices/virtual/misc/${misc.name}' (minor ${minor} freed)`,
      );
    }
    const mode = misc.mode ?? 'kernel';
    const st: MiscState = {
      kernel: k,
      misc,
      mode,
      fence: null,
      files: new Set(),
      registeredStack: captureStack(k.sanitizer.mode, 3),
      registered: true,
      fenced: false,
    };
    if (mode === 'fenced' || mode === 'sync') st.fence = fileFenceFor(k, st);
    setMiscState(misc, st);
    reg.byMinor.set(misc.minor, misc);
    reg.names.add(misc.name);
    reg.mknod(misc.name, misc.minor);
    const dev = currentBindingDevice(k);
    // A devm registration with a fence is tracked by its core fence instead.
    if (dev !== null && !(managed && st.fence !== null)) {
      trackResource(dev, {
        description: `misc ${misc.name} (10:${misc.minor})`,
        busy: () => st.registered,
        managed,
        acquiredStack: st.registeredStack,
      });
    }
    k.trace('misc_register', `${misc.name} 10:${misc.minor} ${mode}`);
  } finally {
    reg.mutex.unlock();
  }
}

/**
 * The fence of a fenced or sync registration. Its quiesce step, run with
 * the core fence already closed (so `open` refuses from the first instant):
 * swap the open files to `DEAD_FOPS`, unlink the minor under `misc_mtx`
 * (an open that held the mutex finishes first; its file is swapped next),
 * then wait out the in-flight operations (and, in fenced mode, release).
 */
function fileFenceFor(k: Kernel, st: MiscState): FileFence {
  const victims: File[] = [];
  const fence = fenceInit(k, `misc ${st.misc.name}`, {
    quiesce: async () => {
      st.fenced = true;
      killOpenFiles(st, victims);
      await unlinkMinor(k, st);
      await fenceOpenFiles(k, st, victims);
    },
    lateStart: 'refuse',
    acquiredStack: st.registeredStack,
  });
  return new FileFence(k, st.misc.name, fence, st.mode === 'sync');
}

/** `misc_deregister()`'s first half: the minor leaves the misc list (no new opens), under `misc_mtx`. */
async function unlinkMinor(k: Kernel, st: MiscState): Promise<void> {
  const misc = st.misc;
  const reg = miscRegistry(k);
  await reg.mutex.lock();
  try {
    reg.byMinor.delete(misc.minor);
    reg.names.delete(misc.name);
    reg.ida.free(misc.minor);
    st.registered = false;
    k.trace('misc_deregister', `${misc.name} 10:${misc.minor}`);
    if (misc.minor > MISC_DYNAMIC_MINOR) misc.minor = MISC_DYNAMIC_MINOR;
  } finally {
    reg.mutex.unlock();
  }
}

/** The registration's state; a TypeError for a device never registered anywhere (no kernel to warn on). */
function stateOf(misc: MiscDevice, what: string): MiscState {
  checkObject(what, 'misc', misc);
  const st = miscState(misc);
  if (st === undefined)
    throw new TypeError(`${what}: misc must be a registered miscdevice, got '${misc.name}', never registered`);
  return st;
}

/**
 * `misc_deregister()`: no new opens (`-ENODEV` from then on), the minor is
 * freed and a dynamic minor reset to `MISC_DYNAMIC_MINOR`. Then, by
 * `misc.mode`:
 * - `kernel`: returns; open files keep calling the driver and pin the module.
 * - `fenced`: waits for every in-flight file operation, calls the driver's
 *   release for each open file and drops its module reference; later
 *   operations on those files fail `-ENODEV` (poll: `EPOLLERR|EPOLLHUP`).
 * - `sync`: {@link miscDeregisterSync}: as fenced, but release (and the
 *   module reference) stays with close.
 * - `revocable`: revokes every open file's private data (waits for guards
 *   and a grace period).
 * In fenced and sync modes this is the registration's core fence
 * (`fenceSync`): its flag closes before anything waits.
 *
 * Deregistering a device that is not registered warns (the kernel's
 * `WARN_ON(list_empty(&misc->list))`) and returns. One never registered
 * anywhere belongs to no kernel: the warning goes to the kernel the caller
 * runs in (core `runningKernel`: the innermost running one); with none
 * running it is a `TypeError`, as for something that is not an object.
 * Context: may sleep. Deliberate difference: the kernel's is not fenced.
 */
export async function miscDeregister(misc: MiscDevice): Promise<void> {
  checkObject('misc_deregister', 'misc', misc);
  if (miscState(misc) === undefined) {
    // Never registered: the list head is empty, as after a deregister. The
    // device belongs to no kernel; the WARN goes to the caller's (innermost running) kernel.
    const running = runningKernel();
    if (running !== null) {
      running.warn(
        `misc ${misc.name}`,
        `WARN_ON(list_empty(&misc->list)) in misc_deregister: '${misc.name}' is not registered`,
      );
      return;
    }
  }
  const st = stateOf(misc, 'misc_deregister');
  const k = st.kernel;
  if (!st.registered) {
    k.warn(
      `misc ${misc.name}`,
      `WARN_ON(list_empty(&misc->list)) in misc_deregister: '${misc.name}' is not registered`,
    );
    return;
  }
  if (st.fence !== null) return fenceSync(st.fence.fence);
  await unlinkMinor(k, st);
  if (st.fenced) return;
  st.fenced = true;
  if (st.mode === 'revocable') await revokeOpenFiles(k, st);
}

/**
 * miscDeregisterSync - deregister, then wait out the open files' in-flight
 * operations.
 * @param misc a device registered with `mode: 'sync'` (or `'fenced'`).
 *
 * Jason Gunthorpe's `misc_deregister_sync()` (proposed Oct 2025 in the
 * revocable thread, not in mainline): from the moment it is called no open
 * succeeds (`-ENODEV`); it returns only when no file operation of the
 * driver is running; later operations on files still open fail `-ENODEV`
 * without reaching the driver; the files are not closed, and the driver's
 * release still runs when each is closed (it must only free memory), with
 * the module reference held until then, as for any open file.
 * A `fenced` registration gets the fenced deregister, which is this plus
 * release at the fence (the files stop pinning the module).
 * A `kernel` or `revocable` registration does not count its operations:
 * the call warns and deregisters without waiting.
 * Context: may sleep. Returns: when the fence holds. Errors: as
 * {@link miscDeregister}.
 */
export async function miscDeregisterSync(misc: MiscDevice): Promise<void> {
  const st = stateOf(misc, 'misc_deregister_sync');
  if (st.fence === null) {
    st.kernel.warn(
      `misc ${misc.name}`,
      `misc_deregister_sync: '${misc.name}' was registered in ${st.mode} mode; its file operations are not counted, so nothing is waited for`,
    );
  }
  await miscDeregister(misc);
}

/** True while `misc` is registered. Context: any. Errors: a `TypeError` when `misc` is not an object. */
export function miscRegistered(misc: MiscDevice): boolean {
  checkObject('misc_registered', 'misc', misc);
  return miscState(misc)?.registered ?? false;
}

/** Files of `misc` whose last reference is not gone yet (open, or closing). Context: any. Errors: as {@link miscRegistered}. */
export function miscOpenFiles(misc: MiscDevice): number {
  checkObject('misc_open_files', 'misc', misc);
  return miscState(misc)?.files.size ?? 0;
}
