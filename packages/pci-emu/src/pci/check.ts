/**
 * Argument checks of the PCI API (docs/validation.md): run first in each
 * entry point, before any state changes.
 */
import { badArg, checkInt } from '@quiesce/core-devres';
import { PciDev } from './pci-dev.js';

/** Throws a `TypeError` unless `dev` is a `PciDev` (C's `struct pci_dev *`, dereferenced at once). Context: any. */
export function checkPciDev(fnName: string, dev: unknown): asserts dev is PciDev {
  if (!(dev instanceof PciDev)) throw badArg(fnName, 'dev', 'a PciDev', dev);
}

/**
 * Throws a `TypeError` unless `bar` is an integer (C's `int bar`); a BAR
 * index outside 0..5 is left to the caller, which gives the kernel's answer
 * for it (`-EINVAL`, NULL, 0). Context: any.
 */
export function checkBarArg(fnName: string, bar: unknown): asserts bar is number {
  checkInt(fnName, 'bar', bar);
}

/** Throws a `TypeError` unless `name` is a string (C's `const char *res_name`). Context: any. */
export function checkResName(fnName: string, name: unknown): asserts name is string {
  if (typeof name !== 'string') throw badArg(fnName, 'name', 'a string', name);
}
