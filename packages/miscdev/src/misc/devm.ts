/**
 * `devm_misc_register`-style registration under the lifecycle contract.
 */
import { checkObject, type Device, devmFenceAdd, devresAdd } from '@quiesce/core-devres';
import { checkMiscDevice } from './check.js';
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
 * Context: may sleep. Errors: a `TypeError` for a `dev` that is not an
 * object; as `miscRegister`; `-ENOMEM` if devres
 * allocation fails (the device is deregistered again).
 */
export async function devmMiscRegister(dev: Device, misc: MiscDevice): Promise<void> {
  // Validate before the default mode is written into `misc` (docs/validation.md).
  checkObject('devm_misc_register', 'dev', dev);
  checkMiscDevice('devm_misc_register', misc);
  const defaulted = misc.mode === undefined;
  if (defaulted) misc.mode = 'fenced';
  try {
    await registerInternal(dev.kernel, misc, true);
  } catch (e) {
    if (defaulted) delete misc.mode; // a rejected call leaves `misc` as it was
    throw e;
  }
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
