/**
 * @quiesce/pci-emu: an emulated PCI bus (config space, BARs, regions,
 * `pci_iomap` → {@link IoMem}, interrupts, surprise removal) and device
 * models, QEMU's `edu` device first.
 */

// DMA
export {
  type DmaCoherent,
  dmaAllocCoherent,
  dmaBitMask,
  dmaFreeCoherent,
  dmamAllocCoherent,
  dmaSetMaskAndCoherent,
} from './dma/dma-coherent.js';
export { PAGE_SIZE, SYSTEM_RAM_BASE, SYSTEM_RAM_SIZE, SystemRam, systemRam } from './dma/system-ram.js';
// Interrupts
export {
  IRQ_STORM_LIMIT,
  type IrqAction,
  IrqDesc,
  type IrqHandler,
  IrqTable,
  irqOccupy,
  irqTable,
} from './irq/irq-desc.js';
export { IrqThread, type IrqThreadFn } from './irq/irq-thread.js';
export {
  devmRequestIrq,
  disableIrq,
  disableIrqNosync,
  enableIrq,
  freeIrq,
  irqDefaultPrimaryHandler,
  requestIrq,
  synchronizeIrq,
} from './irq/request-irq.js';
export { devmRequestThreadedIrq, requestThreadedIrq } from './irq/threaded-irq.js';
export {
  MSI_ADDRESS_BASE,
  pciAllocIrqVectors,
  pciFreeIrqVectors,
  pciIrqVector,
  pciMsiVecCount,
} from './irq/vectors.js';
// MMIO
export { IoMem, IoMemReadlHooked, type IoOffset } from './mmio/io-mem.js';
// Device models
export type { DeviceTimer, PciBarSpec, PciDeviceContext, PciDeviceModel } from './model/device-model.js';
export * from './model/edu.js';
// PCI core
export {
  PCI_IO_BASE,
  PCI_MEM_BASE,
  type PciAddOptions,
  type PciDeviceId,
  type PciDriver,
  pciAddDevice,
  pciBus,
  pciMatchId,
  pciRegisterDriver,
  pciRemoveDevice,
  pciUnregisterDriver,
} from './pci/bus.js';
export {
  type ConfigValue,
  pcibiosErrToErrno,
  pciReadConfigByte,
  pciReadConfigDword,
  pciReadConfigWord,
  pciWriteConfigByte,
  pciWriteConfigDword,
  pciWriteConfigWord,
} from './pci/config-access.js';
export { ConfigSpace, MSI_CAP_OFFSET, PCI_CFG_SPACE_EXP_SIZE, PCI_CFG_SPACE_SIZE } from './pci/config-space.js';
export * from './pci/constants.js';
export {
  pciClearMaster,
  pciDisableDevice,
  pciEnableDevice,
  pciIntx,
  pcimEnableDevice,
  pcimPinDevice,
  pciSetMaster,
} from './pci/enable.js';
export {
  pciIomap,
  pciIomapRange,
  pciIounmap,
  pcimIomap,
  pcimIomapRegion,
  pcimIounmap,
  pcimIounmapRegion,
} from './pci/iomap.js';
export { PciDev, type PciResource } from './pci/pci-dev.js';
export {
  pciBarIndexIsValid,
  pcimReleaseRegion,
  pcimRequestRegion,
  pciReleaseRegion,
  pciReleaseRegions,
  pciReleaseSelectedRegions,
  pciRequestRegion,
  pciRequestRegions,
  pciRequestSelectedRegions,
  pciResourceLen,
  pciResourceStart,
} from './pci/regions.js';
export { pciSurpriseRemove } from './pci/surprise.js';
