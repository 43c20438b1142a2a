/**
 * Argument checks of the misc API (docs/validation.md): run first in each
 * entry point, before any state changes.
 */
import { badArg, checkInt, checkObject, checkOptFn, checkString } from '@quiesce/core-devres';
import type { MiscDevice } from './misc-device.js';

const MODES = ['kernel', 'fenced', 'sync', 'revocable'];
const FOPS = ['open', 'release', 'read', 'write', 'unlockedIoctl', 'poll'] as const;

/**
 * Throws a `TypeError` unless `misc` is a `struct miscdevice` C could hold:
 * an object with an integer `minor`, a string `name`, `fops` an object or
 * null (misc_open answers -ENODEV for NULL fops) whose operations are
 * functions or absent, and `mode` one of the four disciplines or absent.
 * Range errors the kernel answers itself (a fixed minor above 255) are left
 * to the caller. Context: any.
 */
export function checkMiscDevice(fnName: string, misc: unknown): asserts misc is MiscDevice {
  checkObject(fnName, 'misc', misc);
  const m = misc as Partial<MiscDevice>;
  checkInt(fnName, 'misc.minor', m.minor);
  checkString(fnName, 'misc.name', m.name);
  if (m.mode !== undefined && !MODES.includes(m.mode))
    throw badArg(fnName, 'misc.mode', `one of ${MODES.join(', ')}`, m.mode);
  const fops = m.fops;
  if (fops === null || fops === undefined) return;
  checkObject(fnName, 'misc.fops', fops);
  for (const op of FOPS) checkOptFn(fnName, `misc.fops.${op}`, (fops as unknown as Record<string, unknown>)[op]);
  const owner = (fops as { owner?: unknown }).owner;
  if (owner !== null && owner !== undefined) checkObject(fnName, 'misc.fops.owner', owner);
}
