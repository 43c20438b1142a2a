/**
 * Surprise removal (drivers/pci/hotplug/pciehp, pci_dev_set_disconnected):
 * the card is pulled while a driver is bound.
 */
import { deviceDel, type Task } from '@quiesce/core-devres';
import { checkPciDev } from './check.js';
import type { PciDev } from './pci-dev.js';

/**
 * Pulls `dev` out: from now on its BARs read all ones and drop writes
 * (the device's memory is switched, not the driver's handles), config
 * reads return all ones with PCIBIOS_DEVICE_NOT_FOUND, the device model
 * stops (its timers are cancelled, its INTx line drops, it sends no MSI).
 * Then a `pciehp` task unbinds the driver and removes the device, as the
 * hotplug driver's `pciehp_unconfigure_device` does.
 * Context: any. Returns: the unbinding task (join it, or `k.run()`).
 */
export function pciSurpriseRemove(dev: PciDev): Task<void> {
  checkPciDev('pci_surprise_remove', dev);
  const k = dev.kernel;
  dev.disconnect();
  k.trace('pci_surprise_remove', dev.name);
  return k.spawn(`pciehp ${dev.name}`, () => deviceDel(dev));
}
