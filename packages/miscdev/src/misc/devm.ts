/**
 * `devm_misc_register`-style registration under the lifecycle contract.
 */
import { type Device, devresAdd } from '@quiesce/core-devres';
import { type MiscDevice, miscState, setMiscState } from './misc-device.js';
import { miscDeregister, registerInternal } from './register.js';

/**
 * Registers `misc` as a device-managed resource of `dev`. `misc.mode`
 * defaults to `fenced` here, so the devres fence is the fenced deregister:
 * when unbind's fence phase is over, no file operation of the driver is
 * running and none can start, and the release phase may free what the
 * operations touched (a BAR, driver data). The release step drops the
 * registration bookkeeping. An explicit `kernel` or `revocable` mode is
 * honoured (to show what those disciplines do at unbind).
 * Context: may sleep. Errors: as `miscRegister`; `-ENOMEM` if devres
 * allocation fails (the device is deregistered again).
 */
export async function devmMiscRegister(dev: Device, misc: MiscDevice): Promise<void> {
  if (misc.mode === undefined) misc.mode = 'fenced';
  await registerInternal(dev.kernel, misc, true);
  try {
    devresAdd(dev, {
      name: `misc ${misc.name}`,
      fence: () => miscDeregister(misc),
      release: () => {
        const st = miscState(misc);
        if (st !== undefined && !st.registered) setMiscState(misc, null);
      },
    });
  } catch (e) {
    await miscDeregister(misc);
    throw e;
  }
}
