/**
 * Enabling a device (drivers/pci/pci.c, devres.c): `pci_enable_device` is
 * reference counted; the first enable turns on memory/I/O decoding for the
 * BARs present and clears INTx-disable; the last disable clears bus
 * mastering (decoding stays on, as in the kernel). Each entry point throws a
 * `TypeError` for a `dev` that is not a `PciDev` (docs/validation.md).
 */
import { devresAdd, KernelError, mightSleep } from '@quiesce/core-devres';
import { checkPciDev } from './check.js';
import {
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
} from './constants.js';
import type { PciDev } from './pci-dev.js';

function setCommand(dev: PciDev, fn: (cmd: number) => number): void {
  if (!dev.present) return;
  const cmd = dev.config.read(PCI_COMMAND, 2);
  const n = fn(cmd);
  if (n !== cmd) {
    dev.config.write(PCI_COMMAND, 2, n);
    dev.updateIntx();
  }
}

/**
 * `pci_enable_device()`: increments the enable count; the first enable
 * sets PCI_COMMAND_MEMORY/IO for the BARs present and clears INTx-disable
 * (unless MSI is on). Context: may sleep. Errors: `-ENODEV` when the device
 * is gone (the count is dropped again).
 */
export function pciEnableDevice(dev: PciDev): void {
  checkPciDev('pci_enable_device', dev);
  mightSleep(dev.kernel, 'pci_enable_device'); // may sleep in the kernel: checked whether or not it blocks
  if (++dev.enableCnt > 1) return;
  if (!dev.present) {
    dev.enableCnt--;
    throw new KernelError('ENODEV', `pci_enable_device: ${dev.name} is disconnected`);
  }
  let bits = 0;
  for (const r of dev.resources) {
    if (r.flags === 'mem') bits |= PCI_COMMAND_MEMORY;
    if (r.flags === 'io') bits |= PCI_COMMAND_IO;
  }
  setCommand(dev, (c) => {
    let n = c | bits;
    if (dev.msiNvec === 0 && dev.model.interruptPin !== 0) n &= ~PCI_COMMAND_INTX_DISABLE;
    return n;
  });
  dev.kernel.trace('pci_enable_device', dev.name);
}

/**
 * `pci_disable_device()`: decrements the enable count; at zero clears bus
 * mastering. Disabling a device whose count is already ≤ 0 warns
 * ("disabling already-disabled device") and still decrements, as the kernel
 * does. Context: may sleep.
 */
export function pciDisableDevice(dev: PciDev): void {
  checkPciDev('pci_disable_device', dev);
  mightSleep(dev.kernel, 'pci_disable_device'); // may sleep in the kernel: checked whether or not it blocks
  if (dev.enableCnt <= 0) dev.kernel.warn(dev.name, 'disabling already-disabled device');
  if (--dev.enableCnt !== 0) return;
  setCommand(dev, (c) => c & ~PCI_COMMAND_MASTER);
  dev.isBusmaster = false;
  dev.kernel.trace('pci_disable_device', dev.name);
}

/**
 * `pcim_enable_device()`: {@link pciEnableDevice}, with `pci_disable_device`
 * at unbind (unless pinned). One devres entry per device, however often it
 * is called. Context: may sleep. Errors: `-ENOMEM`, `-ENODEV`.
 */
export function pcimEnableDevice(dev: PciDev): void {
  checkPciDev('pcim_enable_device', dev);
  mightSleep(dev.kernel, 'pcim_enable_device'); // may sleep in the kernel: checked whether or not it blocks
  if (!dev.hasPcimRelease) {
    devresAdd(dev, {
      name: 'pcim_release',
      release: () => {
        dev.hasPcimRelease = false;
        if (dev.isEnabled && !dev.pinned) pciDisableDevice(dev);
      },
    });
    dev.hasPcimRelease = true;
  }
  pciEnableDevice(dev);
  dev.isManaged = true;
}

/** `pcim_pin_device()`: the device stays enabled at unbind. Context: any. */
export function pcimPinDevice(dev: PciDev): void {
  checkPciDev('pcim_pin_device', dev);
  dev.pinned = true;
}

/** `pci_set_master()`: enables bus mastering (DMA, MSI). Context: may sleep. */
export function pciSetMaster(dev: PciDev): void {
  checkPciDev('pci_set_master', dev);
  mightSleep(dev.kernel, 'pci_set_master'); // may sleep in the kernel: checked whether or not it blocks
  setCommand(dev, (c) => c | PCI_COMMAND_MASTER);
  dev.isBusmaster = true;
}

/** `pci_clear_master()`. Context: may sleep. */
export function pciClearMaster(dev: PciDev): void {
  checkPciDev('pci_clear_master', dev);
  mightSleep(dev.kernel, 'pci_clear_master'); // may sleep in the kernel: checked whether or not it blocks
  setCommand(dev, (c) => c & ~PCI_COMMAND_MASTER);
  dev.isBusmaster = false;
}

/** `pci_intx()`: enables (true) or disables INTx through the command register. Context: any. */
export function pciIntx(dev: PciDev, enable: boolean): void {
  checkPciDev('pci_intx', dev);
  setCommand(dev, (c) => (enable ? c & ~PCI_COMMAND_INTX_DISABLE : c | PCI_COMMAND_INTX_DISABLE));
}
