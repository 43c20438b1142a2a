/**
 * What `miscDeregister` does to files still open, per discipline.
 */
import type { Kernel } from '@quiesce/core-devres';
import type { MiscState } from '../misc/misc-device.js';
import { callRelease, dropModuleRef, type File, fileRevocable } from '../vfs/file.js';
import type { FileOperations } from '../vfs/fops.js';
import { DEAD_FOPS } from './file-fence.js';

/**
 * The fenced deregister's second half: swap every open file to
 * `DEAD_FOPS`, wait for in-flight operations, then call the driver's release
 * for each file whose release has not run and drop its module reference.
 * When it resolves, no function of the driver runs for these files again,
 * and they no longer pin the module. Context: may sleep.
 */
export async function fenceOpenFiles(k: Kernel, st: MiscState): Promise<void> {
  const fence = st.fence;
  if (fence === null) return;
  fence.fenced = true;
  const victims: [File, FileOperations][] = [];
  for (const f of st.files) {
    victims.push([f, f.fops]);
    f.fops = DEAD_FOPS;
  }
  k.trace('misc_fence', `${st.misc.name}: ${victims.length} open file(s), ${fence.active} op(s) in flight`);
  await fence.drain();
  for (const [f, fops] of victims) {
    if (f.driverReleased) continue;
    f.driverReleased = true;
    await callRelease(k, f, fops);
    dropModuleRef(f);
  }
  k.trace('misc_fenced', st.misc.name);
}

/**
 * The revocable deregister's second half: revoke every open file's private
 * data, each revoke waiting for its guards and a grace period. The files
 * stay open, keep their module reference and keep calling the driver, whose
 * `tryAccess()` now fails. Context: may sleep.
 */
export async function revokeOpenFiles(k: Kernel, st: MiscState): Promise<void> {
  const files = [...st.files];
  k.trace('misc_revoke', `${st.misc.name}: ${files.length} open file(s)`);
  for (const f of files) await fileRevocable(f).revoke();
}
