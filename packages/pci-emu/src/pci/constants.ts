/**
 * PCI constants (include/uapi/linux/pci_regs.h, include/linux/pci.h): config
 * space offsets, command/status bits, PCIBIOS return codes, IRQ flags.
 */

// Type-0 header offsets.
export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_REVISION_ID = 0x08;
export const PCI_CLASS_PROG = 0x09;
export const PCI_CLASS_DEVICE = 0x0a;
export const PCI_CACHE_LINE_SIZE = 0x0c;
export const PCI_LATENCY_TIMER = 0x0d;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_BASE_ADDRESS_0 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_ROM_ADDRESS = 0x30;
export const PCI_CAPABILITY_LIST = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;

// Command register bits.
export const PCI_COMMAND_IO = 0x1;
export const PCI_COMMAND_MEMORY = 0x2;
export const PCI_COMMAND_MASTER = 0x4;
export const PCI_COMMAND_PARITY = 0x40;
export const PCI_COMMAND_SERR = 0x100;
export const PCI_COMMAND_INTX_DISABLE = 0x400;

// Status register bits.
export const PCI_STATUS_INTERRUPT = 0x08;
export const PCI_STATUS_CAP_LIST = 0x10;
/** The write-1-to-clear error bits of the status register. */
export const PCI_STATUS_W1C = 0xf900;

// BAR low bits.
export const PCI_BASE_ADDRESS_SPACE_IO = 0x01;
export const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;
export const PCI_BASE_ADDRESS_MEM_PREFETCH = 0x08;
/** Number of standard BARs (`PCI_STD_NUM_BARS`). */
export const PCI_STD_NUM_BARS = 6;

// Capabilities.
export const PCI_CAP_ID_MSI = 0x05;
export const PCI_MSI_FLAGS = 2;
export const PCI_MSI_FLAGS_ENABLE = 0x0001;
export const PCI_MSI_FLAGS_QMASK = 0x000e;
export const PCI_MSI_FLAGS_QSIZE = 0x0070;
export const PCI_MSI_FLAGS_64BIT = 0x0080;
export const PCI_MSI_ADDRESS_LO = 4;
export const PCI_MSI_ADDRESS_HI = 8;
export const PCI_MSI_DATA_64 = 12;

/** `PCI_CLASS_OTHERS`: class 0xff ("device does not fit any defined class"). */
export const PCI_CLASS_OTHERS = 0xff;

/** Match-anything value in a {@link PciDeviceId} (`PCI_ANY_ID`). */
export const PCI_ANY_ID = 0xffff_ffff;

// PCIBIOS return codes of the config accessors (include/linux/pci.h).
export const PCIBIOS_SUCCESSFUL = 0x00;
export const PCIBIOS_FUNC_NOT_SUPPORTED = 0x81;
export const PCIBIOS_BAD_VENDOR_ID = 0x83;
export const PCIBIOS_DEVICE_NOT_FOUND = 0x86;
export const PCIBIOS_BAD_REGISTER_NUMBER = 0x87;
export const PCIBIOS_SET_FAILED = 0x88;
export const PCIBIOS_BUFFER_TOO_SMALL = 0x89;

// pci_alloc_irq_vectors flags.
export const PCI_IRQ_INTX = 1 << 0;
/** Old name of {@link PCI_IRQ_INTX}. */
export const PCI_IRQ_LEGACY = PCI_IRQ_INTX;
export const PCI_IRQ_MSI = 1 << 1;
export const PCI_IRQ_MSIX = 1 << 2;
export const PCI_IRQ_ALL_TYPES = PCI_IRQ_INTX | PCI_IRQ_MSI | PCI_IRQ_MSIX;

// request_irq flags and handler results.
export const IRQF_SHARED = 0x80;
/** Keep the line masked until the threaded handler has run (required with a NULL primary handler). */
export const IRQF_ONESHOT = 0x2000;
export const IRQ_NONE = 0;
export const IRQ_HANDLED = 1;
/** A primary handler's request to run the action's thread function. */
export const IRQ_WAKE_THREAD = 2;
/** `irqreturn_t`: IRQ_NONE, IRQ_HANDLED or IRQ_WAKE_THREAD (a plain number, so handlers need no annotation). */
export type IrqReturn = number;
