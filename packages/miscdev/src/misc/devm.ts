/**
 * `devm_misc_register`-style registration under the lifecycle contract.
 */
import { type Device, devmFenceAdd, devresAdd } from '@quiesce/core-devres';
import { type MiscDevice, miscState, setMiscState } from './misc-device.js';
import { miscDeregister, registerInternal } from './register.js';

/**
 * Registers `misc` as a device-managed resource of `dev`. `misc.mode`
 * defaults to `fenced` here, so the devres fence is the registration's core
 * fence (the fenced deregister): when unbind's fence phase is over, no file
 * operation of the driver is running and none can start, and the release
 * phase may free what the operations touched (a BAR, driver data). The
 * release step drops the registration bookkeeping. An explicit `sync` mode
 * is fenced the same way (release left to close); an explicit `kernel` or
 * `revocable` mode is honoured (to show what those disciplines do at
 * unbind): their devres entry calls `miscDeregister`, which does not fence.
 * Context: may sleep. Errors: as `miscRegister`; `-ENOMEM` if devres
 * allocation fails (the device is deregistered again).
 */
export async function devmMiscRegister(dev: Device, misc: MiscDevice): Promise<void> {
  if (misc.mode === undefined) misc.mode = 'fenced';
  await registerInternal(dev.kernel, misc, true);
  const st = miscState(misc);
  const release = (): void => {
    const now = miscState(misc);
    if (now !== undefined && !now.registered) setMiscState(misc, null);
  };
  try {
    const ff = st?.fence ?? null;
    if (ff !== null) {
      devmFenceAdd(dev, ff.fence, { release, busy: () => st?.registered === true });
    } else {
      devresAdd(dev, { name: `misc ${misc.name}`, fence: () => miscDeregister(misc), release });
    }
  } catch (e) {
    await miscDeregister(misc);
    throw e;
  }
}
