/**
 * Config-space accessors (drivers/pci/access.c): `pci_read_config_*` and
 * `pci_write_config_*`. They return a PCIBIOS code, as in the kernel; a read
 * delivers its value through an out-parameter object `{ val }` (the kernel's
 * `u32 *val`), so a call reads like the C:
 *
 *     const v = { val: 0 };
 *     if (pciReadConfigDword(pdev, PCI_VENDOR_ID, v) !== PCIBIOS_SUCCESSFUL) …
 *
 * Use {@link pcibiosErrToErrno} to turn a code into a negative errno.
 */

import { checkInt, checkObject } from '@quiesce/core-devres';
import { checkPciDev } from './check.js';
import { PCI_CFG_SPACE_EXP_SIZE } from './config-space.js';
import {
  PCIBIOS_BAD_REGISTER_NUMBER,
  PCIBIOS_BAD_VENDOR_ID,
  PCIBIOS_BUFFER_TOO_SMALL,
  PCIBIOS_DEVICE_NOT_FOUND,
  PCIBIOS_FUNC_NOT_SUPPORTED,
  PCIBIOS_SET_FAILED,
  PCIBIOS_SUCCESSFUL,
} from './constants.js';
import type { PciDev } from './pci-dev.js';

/** The out-parameter of a config read. */
export interface ConfigValue {
  val: number;
}

const READS = ['pci_read_config_byte', 'pci_read_config_word', '', 'pci_read_config_dword'];
const WRITES = ['pci_write_config_byte', 'pci_write_config_word', '', 'pci_write_config_dword'];

/**
 * `where` is an `int`, `val` a `u8`/`u16`/`u32`, `out` a pointer written
 * through: a `TypeError` for what C cannot hold. A bad register number
 * stays the kernel's PCIBIOS_BAD_REGISTER_NUMBER.
 */
function checkConfigArgs(fnName: string, dev: unknown, where: unknown): void {
  checkPciDev(fnName, dev);
  checkInt(fnName, 'where', where);
}

function read(dev: PciDev, where: number, size: number, out: ConfigValue): number {
  const fnName = READS[size - 1] as string;
  checkConfigArgs(fnName, dev, where);
  checkObject(fnName, 'val', out);
  if (!dev.present) {
    out.val = 2 ** (8 * size) - 1; // PCI_SET_ERROR_RESPONSE
    return PCIBIOS_DEVICE_NOT_FOUND;
  }
  if (!Number.isInteger(where) || where < 0 || where % size !== 0 || where + size > PCI_CFG_SPACE_EXP_SIZE) {
    return PCIBIOS_BAD_REGISTER_NUMBER;
  }
  out.val = dev.config.read(where, size);
  return PCIBIOS_SUCCESSFUL;
}

function write(dev: PciDev, where: number, size: number, val: number): number {
  const fnName = WRITES[size - 1] as string;
  checkConfigArgs(fnName, dev, where);
  checkInt(fnName, 'val', val);
  val = size === 4 ? val >>> 0 : val & (2 ** (8 * size) - 1); // a wider integer is truncated, as C converts it
  if (!dev.present) return PCIBIOS_DEVICE_NOT_FOUND;
  if (!Number.isInteger(where) || where < 0 || where % size !== 0 || where + size > PCI_CFG_SPACE_EXP_SIZE) {
    return PCIBIOS_BAD_REGISTER_NUMBER;
  }
  dev.config.write(where, size, val >>> 0);
  dev.kernel.trace('pci_config_write', `${dev.name} @0x${where.toString(16)}/${size} = 0x${(val >>> 0).toString(16)}`);
  dev.updateIntx(); // the INTx-disable bit may have changed
  return PCIBIOS_SUCCESSFUL;
}

/**
 * `pci_read_config_byte()`. Context: any. Returns: PCIBIOS_SUCCESSFUL;
 * PCIBIOS_DEVICE_NOT_FOUND with `out.val` = 0xff after surprise removal;
 * PCIBIOS_BAD_REGISTER_NUMBER beyond 4 KiB (out untouched). Offsets
 * 256..4095 of a conventional device read as all ones.
 */
export function pciReadConfigByte(dev: PciDev, where: number, out: ConfigValue): number {
  return read(dev, where, 1, out);
}

/** `pci_read_config_word()`: as the byte form; an odd `where` is PCIBIOS_BAD_REGISTER_NUMBER. Context: any. */
export function pciReadConfigWord(dev: PciDev, where: number, out: ConfigValue): number {
  return read(dev, where, 2, out);
}

/** `pci_read_config_dword()`: as the byte form; `where` not a multiple of 4 is PCIBIOS_BAD_REGISTER_NUMBER. Context: any. */
export function pciReadConfigDword(dev: PciDev, where: number, out: ConfigValue): number {
  return read(dev, where, 4, out);
}

/**
 * `pci_write_config_byte()`: writes through the register's write mask
 * (read-only bits keep their value, W1C status bits clear on 1).
 * Context: any. Returns: PCIBIOS_SUCCESSFUL, PCIBIOS_DEVICE_NOT_FOUND after
 * surprise removal, PCIBIOS_BAD_REGISTER_NUMBER for a bad offset.
 */
export function pciWriteConfigByte(dev: PciDev, where: number, val: number): number {
  return write(dev, where, 1, val);
}

/** `pci_write_config_word()`. Context: any. Returns: as the byte form. */
export function pciWriteConfigWord(dev: PciDev, where: number, val: number): number {
  return write(dev, where, 2, val);
}

/** `pci_write_config_dword()`. Context: any. Returns: as the byte form. */
export function pciWriteConfigDword(dev: PciDev, where: number, val: number): number {
  return write(dev, where, 4, val);
}

/**
 * `pcibios_err_to_errno()`: a PCIBIOS code as a negative errno (0 stays 0;
 * a negative value is already an errno). Context: any.
 */
export function pcibiosErrToErrno(err: number): number {
  if (err <= PCIBIOS_SUCCESSFUL) return err;
  switch (err) {
    case PCIBIOS_FUNC_NOT_SUPPORTED:
      return -6; // -ENXIO
    case PCIBIOS_BAD_VENDOR_ID:
      return -22; // -EINVAL
    case PCIBIOS_DEVICE_NOT_FOUND:
      return -19; // -ENODEV
    case PCIBIOS_BAD_REGISTER_NUMBER:
      return -14; // -EFAULT
    case PCIBIOS_SET_FAILED:
      return -5; // -EIO
    case PCIBIOS_BUFFER_TOO_SMALL:
      return -28; // -ENOSPC
    default:
      return -34; // -ERANGE
  }
}
