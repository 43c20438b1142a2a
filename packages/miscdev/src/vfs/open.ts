/**
 * `open("/dev/NAME", flags)`: path lookup, then `misc_open`.
 */
import {
  callbackRunnable,
  checkInt,
  checkKernel,
  checkString,
  fenceRefuses,
  type Kernel,
  KernelError,
  modulePutOwner,
  Revocable,
  tryModuleGetOwner,
} from '@quiesce/core-devres';
import { miscState } from '../misc/misc-device.js';
import { miscRegistry } from '../misc/registry.js';
import { checkReturn } from './errno-return.js';
import { File, FileHandle } from './file.js';
import { O_RDWR } from './poll.js';

/**
 * Opens a misc device node. Under `misc_mtx`: looks the minor up, takes a
 * reference on the fops' owner (`fops_get`), and calls the driver's `open`
 * with `file.privateData` set to the misc device (as `misc_open`). In
 * revocable mode the private data the driver leaves is then wrapped in a
 * `Revocable`. If the driver's open fails, its release is not called and
 * the module reference is dropped.
 *
 * Returns the user's {@link FileHandle}. Errors: `-ENOENT` (no such node),
 * `-ENODEV` (no device on the node's minor, e.g. deregistered, or a fenced
 * or sync deregister has started; the owner is
 * GOING or gone; the owner's text is freed), whatever the driver's open
 * returns; a `TypeError` for a path that is not a string or flags that are
 * not an integer. Context: may sleep (a task).
 */
export async function open(k: Kernel, path: string, flags: number = O_RDWR): Promise<FileHandle> {
  checkKernel('open', k);
  checkString('open', 'path', path);
  checkInt('open', 'flags', flags);
  if (!k.mightSleep(`open ${path}`)) throw new Error(`open(${path}) from atomic context`);
  const name = path.startsWith('/dev/') ? path.slice(5) : null;
  const reg = miscRegistry(k);
  const minor = name === null ? undefined : reg.nodes.get(name);
  if (minor === undefined) throw new KernelError('ENOENT', `${path}: no such file or directory`);
  await reg.mutex.lock();
  try {
    const misc = reg.byMinor.get(minor);
    const st = misc === undefined ? undefined : miscState(misc);
    if (misc === undefined || st === undefined)
      throw new KernelError('ENODEV', `${path}: no misc device on minor ${minor}`);
    // A fenced/sync deregister has started (it may still wait for misc_mtx): refused.
    if (st.fence !== null && fenceRefuses(st.fence.fence, 'open'))
      throw new KernelError('ENODEV', `${path}: misc device is being deregistered`);
    const fops = misc.fops;
    // misc_open(): a device registered without file operations cannot be opened.
    if (fops === null || fops === undefined) throw new KernelError('ENODEV', `${path}: no file operations`);
    if (!tryModuleGetOwner(fops.owner)) {
      throw new KernelError('ENODEV', `${path}: try_module_get(${fops.owner?.name ?? 'built-in'}) failed`);
    }
    const f = new File(k, misc, fops, flags, st.fence, fops.owner, st.registeredStack, st.files);
    st.files.add(f);
    try {
      const op = fops.open;
      if (op !== undefined) {
        if (!callbackRunnable(k, fops.owner, op.name, 'open', st.registeredStack, op)) {
          throw new KernelError('ENODEV', `${path}: open not called, module text freed`);
        }
        checkReturn(await op.call(fops, f), 'open');
      }
    } catch (e) {
      st.files.delete(f);
      f.holdsModule = false;
      modulePutOwner(fops.owner);
      throw e;
    }
    if (st.mode === 'revocable') f.privateData = new Revocable(k, f.privateData, `${misc.name} file`);
    k.trace('open', `${path} 10:${minor}`);
    return new FileHandle(k, f);
  } finally {
    reg.mutex.unlock();
  }
}
