/** @quiesce/pci-emu: An emulated PCI bus: config space, BARs, regions, iomap → IoMem, interrupts, surprise removal, and device models (QEMU's edu device first). */
export {};
