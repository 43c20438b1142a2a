/**
 * Interrupt vectors of a PCI device (drivers/pci/msi/api.c, msi.c):
 * `pci_alloc_irq_vectors` tries MSI, then falls back to INTx;
 * `pci_irq_vector` maps a vector index to a Linux IRQ number.
 *
 * Enabling MSI programs the capability (address 0xfee00000, data = the
 * IRQ number, Multiple Message Enable, enable bit) and sets INTx-disable,
 * as `pci_intx_for_msi(dev, 0)` does. On a `pcim_enable_device`d device the
 * vectors are freed at unbind (`pcim_setup_msi_release`).
 */
import { checkInt, checkU32, devresAdd, KernelError, mightSleep } from '@quiesce/core-devres';
import { checkPciDev } from '../pci/check.js';
import {
  PCI_IRQ_INTX,
  PCI_IRQ_MSI,
  PCI_MSI_ADDRESS_HI,
  PCI_MSI_ADDRESS_LO,
  PCI_MSI_DATA_64,
  PCI_MSI_FLAGS,
  PCI_MSI_FLAGS_ENABLE,
  PCI_MSI_FLAGS_QMASK,
  PCI_MSI_FLAGS_QSIZE,
} from '../pci/constants.js';
import { pciIntx } from '../pci/enable.js';
import type { PciDev } from '../pci/pci-dev.js';
import { irqTable } from './irq-desc.js';

/** The x86 MSI address window. */
export const MSI_ADDRESS_BASE = 0xfee0_0000;

/** `pci_msi_vec_count()`: vectors the MSI capability offers, or -EINVAL without one. */
export function pciMsiVecCount(dev: PciDev): number {
  checkPciDev('pci_msi_vec_count', dev);
  const cap = dev.config.msiCap;
  if (cap === 0) return -22;
  return 1 << ((dev.config.read(cap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_QMASK) >> 1);
}

function enableMsiRange(dev: PciDev, minvec: number, maxvec: number): number {
  const k = dev.kernel;
  if (!dev.present) return -22;
  // pci_msi_supported(dev, minvec): "You can't ask to have 0 or less MSIs configured" (found by the fuzz:
  // min 0, max 0 used to enable MSI with no vector and move dev->irq).
  if (minvec < 1) return -22;
  if (dev.msiNvec > 0) {
    k.warn(dev.name, `pci_enable_msi: ${dev.name} already has MSI enabled`);
    return -22;
  }
  if (maxvec < minvec) return -34; // -ERANGE
  let nvec = pciMsiVecCount(dev);
  if (nvec < 0) return nvec;
  if (nvec < minvec) return -28; // -ENOSPC
  if (nvec > maxvec) nvec = maxvec;
  const t = irqTable(k);
  const base = t.nextMsi;
  t.nextMsi += nvec;
  for (let i = 0; i < nvec; i++) t.create(base + i, 'edge', 'PCI-MSI');
  const cap = dev.config.msiCap;
  const mme = Math.ceil(Math.log2(nvec));
  dev.config.write(cap + PCI_MSI_ADDRESS_LO, 4, MSI_ADDRESS_BASE);
  dev.config.write(cap + PCI_MSI_ADDRESS_HI, 4, 0);
  dev.config.write(cap + PCI_MSI_DATA_64, 2, base);
  const ctl = dev.config.read(cap + PCI_MSI_FLAGS, 2) & ~PCI_MSI_FLAGS_QSIZE;
  dev.config.write(cap + PCI_MSI_FLAGS, 2, ctl | (mme << 4) | PCI_MSI_FLAGS_ENABLE);
  dev.msiIrqBase = base;
  dev.msiNvec = nvec;
  dev.irq = base;
  pciIntx(dev, false);
  k.trace('msi_enable', `${dev.name} irq ${base}..${base + nvec - 1}`);
  return nvec;
}

/**
 * `pci_alloc_irq_vectors()`: allocates between `min` and `max` vectors of a
 * type in `flags` (PCI_IRQ_MSI, PCI_IRQ_INTX; MSI-X is not emulated): MSI
 * first, then INTx when `min` is 1 and the device has a pin.
 * Context: may sleep. Returns: the number of vectors.
 * Errors: `-ENOSPC` when nothing fits; the MSI error (`-EINVAL` without an
 * MSI capability, `-ERANGE` for max < min) when INTx is not allowed; a
 * `TypeError` for counts or flags no `unsigned int` holds.
 */
export function pciAllocIrqVectors(dev: PciDev, min: number, max: number, flags: number): number {
  checkPciDev('pci_alloc_irq_vectors', dev);
  checkU32('pci_alloc_irq_vectors', 'min_vecs', min);
  checkU32('pci_alloc_irq_vectors', 'max_vecs', max);
  checkU32('pci_alloc_irq_vectors', 'flags', flags);
  mightSleep(dev.kernel, 'pci_alloc_irq_vectors'); // may sleep in the kernel: checked whether or not it blocks
  let nvecs = -28;
  if ((flags & PCI_IRQ_MSI) !== 0) {
    nvecs = enableMsiRange(dev, min, max);
    if (nvecs > 0) {
      if (dev.isManaged) devresAdd(dev, { name: 'pcim_msi_release', release: () => pciFreeIrqVectors(dev) });
      return nvecs;
    }
  }
  if ((flags & PCI_IRQ_INTX) !== 0 && min === 1 && dev.intxIrq !== 0) {
    pciIntx(dev, true);
    dev.intxVectors = true;
    return 1;
  }
  throw new KernelError(
    nvecs === -22 ? 'EINVAL' : nvecs === -34 ? 'ERANGE' : 'ENOSPC',
    `pci_alloc_irq_vectors(${dev.name}, ${min}, ${max}, 0x${flags.toString(16)})`,
  );
}

/**
 * `pci_irq_vector()`: the Linux IRQ number of vector `nr`. Context: any.
 * Errors: `-EINVAL` for an index beyond the allocated MSI vectors, or > 0
 * with INTx (the kernel also warns then).
 */
export function pciIrqVector(dev: PciDev, nr: number): number {
  checkPciDev('pci_irq_vector', dev);
  checkInt('pci_irq_vector', 'nr', nr);
  if (dev.msiNvec > 0) {
    if (nr < 0 || nr >= dev.msiNvec) throw new KernelError('EINVAL', `pci_irq_vector(${dev.name}, ${nr})`);
    return dev.msiIrqBase + nr;
  }
  if (nr !== 0) {
    dev.kernel.warn(dev.name, `pci_irq_vector: WARN_ON_ONCE(nr > 0) for INTx vector ${nr}`);
    throw new KernelError('EINVAL', `pci_irq_vector(${dev.name}, ${nr})`);
  }
  return dev.intxIrq;
}

/**
 * `pci_free_irq_vectors()`: turns MSI off (INTx back on) and frees the
 * vectors' IRQs. Freeing a vector whose handler is still requested warns:
 * `free_irq` must come first. Context: may sleep.
 */
export function pciFreeIrqVectors(dev: PciDev): void {
  checkPciDev('pci_free_irq_vectors', dev);
  mightSleep(dev.kernel, 'pci_free_irq_vectors'); // may sleep in the kernel: checked whether or not it blocks
  const k = dev.kernel;
  dev.intxVectors = false;
  if (dev.msiNvec === 0) return;
  const t = irqTable(k);
  for (let i = 0; i < dev.msiNvec; i++) {
    const irq = dev.msiIrqBase + i;
    const d = t.descs.get(irq);
    if (d && d.actions.length > 0) {
      k.warn(dev.name, `freeing MSI IRQ ${irq} of ${dev.name} while ${d.actions[0]?.name} is still requested`);
    }
    if (d?.pending) k.cancelTimer(d.pending);
    t.descs.delete(irq);
  }
  const cap = dev.config.msiCap;
  if (dev.present) {
    const ctl = dev.config.read(cap + PCI_MSI_FLAGS, 2);
    dev.config.write(cap + PCI_MSI_FLAGS, 2, ctl & ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE));
    pciIntx(dev, true);
  }
  k.trace('msi_disable', `${dev.name}`);
  dev.msiNvec = 0;
  dev.msiIrqBase = 0;
  dev.irq = dev.intxIrq;
}
