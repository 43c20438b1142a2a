/**
 * What `miscDeregister` does to files still open, per discipline.
 */
import type { Kernel } from '@quiesce/core-devres';
import type { MiscState } from '../misc/misc-device.js';
import { callRelease, dropModuleRef, type File, fileRevocable } from '../vfs/file.js';
import { DEAD_FOPS } from './file-fence.js';

/**
 * Points every open file of `st` at `DEAD_FOPS` (no operation reaches the
 * driver from then on) and adds the files it swapped to `victims`.
 */
export function killOpenFiles(st: MiscState, victims: File[]): void {
  for (const f of st.files) {
    if (f.fops === DEAD_FOPS) continue;
    f.driverFops = f.fops;
    f.fops = DEAD_FOPS;
    victims.push(f);
  }
}

/**
 * The fenced and sync deregisters' second half: swap every open file not
 * yet swapped (one opened by an open that was in flight when the fence
 * closed) to `DEAD_FOPS`, adding it to `victims` (the files swapped when
 * the fence closed), then wait for in-flight operations. In `fenced` mode, then
 * call the driver's release for each file whose release has not run and
 * drop its module reference: the files no longer pin the module. In `sync`
 * mode (`misc_deregister_sync`) release stays with close. When it resolves
 * no operation of the driver runs for these files, and none starts again.
 * Context: may sleep.
 */
export async function fenceOpenFiles(k: Kernel, st: MiscState, victims: File[]): Promise<void> {
  const ff = st.fence;
  if (ff === null) return;
  killOpenFiles(st, victims);
  k.trace('misc_fence', `${st.misc.name}: ${victims.length} open file(s), ${ff.active} op(s) in flight`);
  await ff.drain();
  if (!ff.releaseAtClose) {
    for (const f of victims) {
      if (f.driverReleased) continue;
      f.driverReleased = true;
      await callRelease(k, f, f.driverFops);
      dropModuleRef(f);
    }
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
