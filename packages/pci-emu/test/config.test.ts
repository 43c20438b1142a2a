import {
  EduDevice,
  MSI_CAP_OFFSET,
  PCI_BASE_ADDRESS_0,
  PCI_CAP_ID_MSI,
  PCI_CAPABILITY_LIST,
  PCI_CLASS_PROG,
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_COMMAND_MASTER,
  PCI_DEVICE_ID,
  PCI_HEADER_TYPE,
  PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN,
  PCI_MSI_FLAGS,
  PCI_MSI_FLAGS_64BIT,
  PCI_REVISION_ID,
  PCI_STATUS,
  PCI_STATUS_CAP_LIST,
  PCI_VENDOR_ID,
  PCIBIOS_BAD_REGISTER_NUMBER,
  PCIBIOS_DEVICE_NOT_FOUND,
  PCIBIOS_SUCCESSFUL,
  type PciDeviceModel,
  pciAddDevice,
  pcibiosErrToErrno,
  pciReadConfigByte,
  pciReadConfigDword,
  pciReadConfigWord,
  pciResourceLen,
  pciResourceStart,
  pciWriteConfigByte,
  pciWriteConfigDword,
  pciWriteConfigWord,
} from '@quiesce/pci-emu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inTask, kernel, plugEdu } from './helpers.js';

describe('config space: type-0 header of edu', () => {
  it('has the IDs, revision, class and header type QEMU gives edu', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const v = { val: 0 };
    expect(pciReadConfigWord(pdev, PCI_VENDOR_ID, v)).toBe(PCIBIOS_SUCCESSFUL);
    expect(v.val).toBe(0x1234);
    expect(pciReadConfigWord(pdev, PCI_DEVICE_ID, v)).toBe(PCIBIOS_SUCCESSFUL);
    expect(v.val).toBe(0x11e8);
    pciReadConfigDword(pdev, PCI_VENDOR_ID, v);
    expect(v.val).toBe(0x11e8_1234);
    pciReadConfigByte(pdev, PCI_REVISION_ID, v);
    expect(v.val).toBe(0x10);
    // QEMU's edu.c sets class_id = PCI_CLASS_OTHERS (0xff) as the 16-bit word at
    // PCI_CLASS_DEVICE: base class 0x00, subclass 0xff, prog-if 0.
    // Dword at 8 = class code << 8 | revision = 0x00ff00 << 8 | 0x10.
    pciReadConfigDword(pdev, PCI_REVISION_ID, v);
    expect(v.val).toBe(0x00ff_0010);
    pciReadConfigWord(pdev, PCI_CLASS_PROG + 1, v);
    expect(v.val).toBe(0x00ff);
    pciReadConfigByte(pdev, PCI_CLASS_PROG + 2, v);
    expect(v.val).toBe(0x00);
    pciReadConfigByte(pdev, PCI_HEADER_TYPE, v);
    expect(v.val).toBe(0);
    pciReadConfigByte(pdev, PCI_INTERRUPT_PIN, v);
    expect(v.val).toBe(1); // INTA
    pciReadConfigByte(pdev, PCI_INTERRUPT_LINE, v);
    expect(v.val).toBe(pdev.intxIrq);
  });

  it('BAR0 sizing: all ones reads back the 1 MiB size mask with memory type bits 0', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const v = { val: 0 };
    pciReadConfigDword(pdev, PCI_BASE_ADDRESS_0, v);
    const orig = v.val;
    expect(orig).toBe(pciResourceStart(pdev, 0));
    expect(orig & 0xf).toBe(0); // memory, 32-bit, non-prefetchable
    expect(orig % 0x10_0000).toBe(0); // naturally aligned
    expect(pciWriteConfigDword(pdev, PCI_BASE_ADDRESS_0, 0xffff_ffff)).toBe(PCIBIOS_SUCCESSFUL);
    pciReadConfigDword(pdev, PCI_BASE_ADDRESS_0, v);
    expect(v.val).toBe(0xfff0_0000);
    expect((~(v.val & ~0xf) >>> 0) + 1).toBe(0x10_0000);
    pciWriteConfigDword(pdev, PCI_BASE_ADDRESS_0, orig);
    pciReadConfigDword(pdev, PCI_BASE_ADDRESS_0, v);
    expect(v.val).toBe(orig);
    expect(pciResourceLen(pdev, 0)).toBe(0x10_0000);
    // Unused BARs 1..5 read 0 and stay 0 when sized.
    for (let b = 1; b < 6; b++) {
      pciWriteConfigDword(pdev, PCI_BASE_ADDRESS_0 + 4 * b, 0xffff_ffff);
      pciReadConfigDword(pdev, PCI_BASE_ADDRESS_0 + 4 * b, v);
      expect(v.val).toBe(0);
      expect(pciResourceLen(pdev, b)).toBe(0);
    }
  });

  it('sizing keeps the type bits of io, prefetchable and 64-bit BARs', async () => {
    const k = kernel();
    const model: PciDeviceModel = {
      name: 'multi',
      vendor: 0x1af4,
      device: 0x1000,
      revision: 1,
      classCode: 0x020000,
      bars: [
        { kind: 'io', size: 32 },
        { kind: 'mem64', size: 0x4000, prefetchable: true },
      ],
      interruptPin: 0,
      msiVectors: 0,
      attach() {},
      reset() {},
      onMmioWrite() {},
    };
    const pdev = await inTask(k, () => pciAddDevice(k, model));
    const v = { val: 0 };
    pciWriteConfigDword(pdev, PCI_BASE_ADDRESS_0, 0xffff_ffff);
    pciReadConfigDword(pdev, PCI_BASE_ADDRESS_0, v);
    expect(v.val).toBe(0xffff_ffe1); // 32 ports, I/O space bit
    pciWriteConfigDword(pdev, PCI_BASE_ADDRESS_0 + 4, 0xffff_ffff);
    pciReadConfigDword(pdev, PCI_BASE_ADDRESS_0 + 4, v);
    expect(v.val).toBe(0xffff_c00c); // 16 KiB, 64-bit (0x4) | prefetchable (0x8)
    pciWriteConfigDword(pdev, PCI_BASE_ADDRESS_0 + 8, 0xffff_ffff);
    pciReadConfigDword(pdev, PCI_BASE_ADDRESS_0 + 8, v);
    expect(v.val).toBe(0xffff_ffff); // upper half of the 64-bit BAR
    pciReadConfigWord(pdev, PCI_STATUS, v);
    expect(v.val & PCI_STATUS_CAP_LIST).toBe(0); // no capabilities
  });

  it('property: any BAR size sizes to ~(size-1) with the type bits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 4, max: 28 }), async (log2) => {
        const k = kernel();
        const size = 2 ** log2;
        const model: PciDeviceModel = {
          name: 'p',
          vendor: 1,
          device: 2,
          revision: 0,
          classCode: 0,
          bars: [{ kind: 'mem32', size }],
          interruptPin: 0,
          msiVectors: 0,
          attach() {},
          reset() {},
          onMmioWrite() {},
        };
        const pdev = await inTask(k, () => pciAddDevice(k, model));
        const v = { val: 0 };
        pciWriteConfigDword(pdev, PCI_BASE_ADDRESS_0, 0xffff_ffff);
        pciReadConfigDword(pdev, PCI_BASE_ADDRESS_0, v);
        expect(v.val).toBe((2 ** 32 - size) >>> 0);
      }),
      { numRuns: 25 },
    );
  });

  it('capability list: status CAP_LIST, pointer at 0x34 to a 64-bit MSI capability with one vector', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const v = { val: 0 };
    pciReadConfigWord(pdev, PCI_STATUS, v);
    expect(v.val & PCI_STATUS_CAP_LIST).toBe(PCI_STATUS_CAP_LIST);
    pciReadConfigByte(pdev, PCI_CAPABILITY_LIST, v);
    expect(v.val).toBe(MSI_CAP_OFFSET);
    pciReadConfigByte(pdev, MSI_CAP_OFFSET, v);
    expect(v.val).toBe(PCI_CAP_ID_MSI);
    pciReadConfigByte(pdev, MSI_CAP_OFFSET + 1, v);
    expect(v.val).toBe(0); // end of list
    pciReadConfigWord(pdev, MSI_CAP_OFFSET + PCI_MSI_FLAGS, v);
    expect(v.val).toBe(PCI_MSI_FLAGS_64BIT); // MMC 0 = 1 vector, disabled
  });

  it('write masks: IDs are read-only, command bits writable, status error bits write-1-to-clear', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const v = { val: 0 };
    pciWriteConfigWord(pdev, PCI_VENDOR_ID, 0xdead);
    pciReadConfigWord(pdev, PCI_VENDOR_ID, v);
    expect(v.val).toBe(0x1234);
    pciWriteConfigWord(pdev, PCI_COMMAND, 0xffff);
    pciReadConfigWord(pdev, PCI_COMMAND, v);
    expect(v.val).toBe(0x547); // IO|MEM|MASTER|PARITY|SERR|INTX_DISABLE
    pciWriteConfigWord(pdev, PCI_COMMAND, 0);
    pciReadConfigWord(pdev, PCI_COMMAND, v);
    expect(v.val & (PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE)).toBe(0);
    pdev.config.set(PCI_STATUS, 2, PCI_STATUS_CAP_LIST | 0x8000); // device signals a parity error
    pciWriteConfigWord(pdev, PCI_STATUS, 0x8000);
    pciReadConfigWord(pdev, PCI_STATUS, v);
    expect(v.val).toBe(PCI_STATUS_CAP_LIST);
    pciWriteConfigByte(pdev, PCI_INTERRUPT_LINE, 11);
    pciReadConfigByte(pdev, PCI_INTERRUPT_LINE, v);
    expect(v.val).toBe(11);
    pciWriteConfigByte(pdev, PCI_INTERRUPT_PIN, 4);
    pciReadConfigByte(pdev, PCI_INTERRUPT_PIN, v);
    expect(v.val).toBe(1);
  });

  it('PCIBIOS codes: misaligned → BAD_REGISTER_NUMBER, beyond 256 reads all ones, beyond 4 KiB bad', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const v = { val: 42 };
    expect(pciReadConfigWord(pdev, 1, v)).toBe(PCIBIOS_BAD_REGISTER_NUMBER);
    expect(v.val).toBe(42);
    expect(pciReadConfigDword(pdev, 2, v)).toBe(PCIBIOS_BAD_REGISTER_NUMBER);
    expect(pciWriteConfigDword(pdev, 6, 0)).toBe(PCIBIOS_BAD_REGISTER_NUMBER);
    expect(pciReadConfigDword(pdev, 0x100, v)).toBe(PCIBIOS_SUCCESSFUL);
    expect(v.val).toBe(0xffff_ffff);
    expect(pciReadConfigDword(pdev, 0x1000, v)).toBe(PCIBIOS_BAD_REGISTER_NUMBER);
    expect(pcibiosErrToErrno(PCIBIOS_SUCCESSFUL)).toBe(0);
    expect(pcibiosErrToErrno(PCIBIOS_DEVICE_NOT_FOUND)).toBe(-19);
    expect(pcibiosErrToErrno(PCIBIOS_BAD_REGISTER_NUMBER)).toBe(-14);
  });

  it('two devices get distinct slots, BAR addresses and INTx lines', async () => {
    const k = kernel();
    const a = await plugEdu(k);
    const b = await plugEdu(k, new EduDevice());
    expect(a.pdev.name).not.toBe(b.pdev.name);
    expect(pciResourceStart(a.pdev, 0)).not.toBe(pciResourceStart(b.pdev, 0));
    expect(a.pdev.intxIrq).not.toBe(b.pdev.intxIrq);
  });
});
