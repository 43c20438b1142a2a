/**
 * Pieces every discipline shares: the driver data, the misc device and its
 * file operations, the PCI ID table.
 */
import { type Kernel, Mutex, registerModuleText, WaitQueue } from '@quiesce/core-devres';
import type { HrTimer, HrtimerRestart } from '@quiesce/hrtimer';
import {
  type File,
  type FileOperations,
  type IoctlArg,
  MISC_DYNAMIC_MINOR,
  type MiscDevice,
  type MiscMode,
} from '@quiesce/miscdev';
import type { Module } from '@quiesce/module-loader';
import { EDU_DEVICE_ID, EDU_VENDOR_ID, type IoMem, type PciDev, type PciDeviceId } from '@quiesce/pci-emu';
import { eduIrqWith, eduPollWith, eduWorkWith } from './logic.js';
import type { EduOptions } from './options.js';
import type { Discipline, EduPriv } from './priv.js';

export const EDU_ID_TABLE: readonly PciDeviceId[] = [{ vendor: EDU_VENDOR_ID, device: EDU_DEVICE_ID }];

export const DEFAULT_POLL_NS = 1_000_000;

export function newPriv(k: Kernel, pdev: PciDev, mod: Module, discipline: Discipline, opts: EduOptions): EduPriv {
  return {
    k,
    pdev,
    mod,
    discipline,
    enter: () => null,
    io: null,
    bar: null,
    bound: null,
    ddev: null,
    provider: null,
    irq: -1,
    timer: null,
    work: null,
    wq: null,
    misc: null,
    dma: null,
    lock: new Mutex(k, `${opts.name ?? 'edu'} lock`),
    ioctlLock: new Mutex(k, `${opts.name ?? 'edu'} ioctl lock`),
    results: new WaitQueue(k, `${opts.name ?? 'edu'} results`),
    removed: false,
    gone: false,
    factPending: false,
    factResult: 0,
    factCount: 0,
    dmaPending: false,
    dmaDone: 0,
    polls: 0,
    irqs: 0,
    livenessErrors: 0,
    pollPeriodNs: opts.pollPeriodNs ?? DEFAULT_POLL_NS,
  };
}

/** `arg` as the number the edu ioctls take. */
export function ioctlNumber(arg: IoctlArg): number {
  return typeof arg === 'number' ? arg : 0;
}

/**
 * The misc device `/dev/NAME` with `unlocked_ioctl` = `ioctl`. The functions
 * are recorded as the module's text, so a dispatch after unload is caught
 * even when `.owner` is missing (bug 7).
 */
export function eduMisc(
  priv: EduPriv,
  opts: EduOptions,
  mode: MiscMode,
  ioctl: (cmd: number, arg: number) => Promise<number>,
  open?: (file: File) => Promise<void>,
): MiscDevice {
  const eduIoctl = async (_file: unknown, cmd: number, arg: IoctlArg): Promise<number> => ioctl(cmd, ioctlNumber(arg));
  const fops: FileOperations = {
    owner: opts.fopsOwner === 'none' ? null : priv.mod,
    unlockedIoctl: eduIoctl,
    ...(open !== undefined ? { open } : {}),
  };
  registerModuleText(priv.k, priv.mod, eduIoctl, ...(open !== undefined ? [open] : []));
  return { minor: MISC_DYNAMIC_MINOR, name: opts.name ?? 'edu', fops, mode };
}

/** Records driver callbacks as the module's text. */
export function claimText(priv: EduPriv, ...fns: object[]): void {
  registerModuleText(priv.k, priv.mod, ...fns);
}

/** The enter() of fenced and kernel-C drivers: the mapping itself, no check. */
export function direct(io: IoMem): () => IoMem {
  return () => io;
}

/** The callbacks of a discipline whose hot paths need no check (fenced, kernel-C). */
export interface DirectCallbacks {
  eduPoll(t: HrTimer): HrtimerRestart;
  eduIrq(): number;
  eduWork(): Promise<void>;
}

/**
 * Builds the poll, IRQ and work callbacks that reach BAR0 through
 * `priv.enter()` with no check, and records them as the module's text.
 */
export function directCallbacks(priv: EduPriv): DirectCallbacks {
  const eduPoll = (t: HrTimer): HrtimerRestart => eduPollWith(priv, priv.enter() as IoMem, t);
  const eduIrq = function eduIrq(): number {
    return eduIrqWith(priv, priv.enter() as IoMem);
  };
  const eduWork = async (): Promise<void> => {
    await priv.lock.lock();
    try {
      await eduWorkWith(priv, priv.enter);
    } finally {
      priv.lock.unlock();
    }
  };
  claimText(priv, eduPoll, eduIrq, eduWork);
  return { eduPoll, eduIrq, eduWork };
}
