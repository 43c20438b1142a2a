/**
 * A small test driver: a misc device whose ioctl reads a "BAR" register
 * through a FencedView, optionally sleeping in between.
 */
import { FencedView, type Kernel, KernelError, msleep, type Owner } from '@quiesce/core-devres';
import {
  copyFromUser,
  copyToUser,
  type File,
  type FileOperations,
  fileRevocable,
  type IoctlArg,
  MISC_DYNAMIC_MINOR,
  type MiscDevice,
  type MiscMode,
  type UserBuffer,
} from '@quiesce/miscdev';

export const IOC_READ_REG = 0x4004_6501;
export const IOC_SLEEP_READ = 0x4004_6502;
export const IOC_COPY_IN = 0x4004_6503;

export interface Bar {
  view: FencedView;
  buf: ArrayBuffer;
}

export function makeBar(k: Kernel, name = 'test BAR0', value = 0x1234_5678): Bar {
  const buf = new ArrayBuffer(64);
  new DataView(buf).setUint32(0, value, true);
  return { view: new FencedView(k, name, new DataView(buf)), buf };
}

export interface TestDriverOpts {
  name?: string;
  minor?: number;
  mode?: MiscMode;
  owner?: Owner;
  /** ms the SLEEP_READ ioctl sleeps between its two reads. */
  sleepMs?: number;
  log?: string[];
}

export interface TestMisc extends MiscDevice {
  bar: Bar;
  opens: number;
  releases: number;
}

/** The driver state a file's private data points at. */
export interface FileState {
  bar: Bar;
}

function stateOf(f: File, mode: MiscMode): FileState {
  if (mode !== 'revocable') return f.privateData as FileState;
  const s = fileRevocable<FileState>(f).tryAccess();
  if (s === null) throw new KernelError('ENODEV', 'revoked');
  return s;
}

export function makeTestMisc(k: Kernel, bar: Bar, opts: TestDriverOpts = {}): TestMisc {
  const mode = opts.mode ?? 'kernel';
  const log = opts.log;
  const sleepMs = opts.sleepMs ?? 1;
  const misc: TestMisc = {
    minor: opts.minor ?? MISC_DYNAMIC_MINOR,
    name: opts.name ?? 'testdev',
    mode,
    bar,
    opens: 0,
    releases: 0,
    fops: null as unknown as FileOperations,
  };
  const fops: FileOperations = {
    owner: opts.owner ?? null,
    async open(f: File) {
      misc.opens++;
      f.privateData = { bar: (f.privateData as TestMisc).bar } satisfies FileState;
    },
    async release(_f: File) {
      misc.releases++;
    },
    async read(f: File, buf: UserBuffer, count: number): Promise<number> {
      const s = stateOf(f, mode);
      const v = s.bar.view.readl(0);
      const bytes = new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]).subarray(0, count);
      if (copyToUser(buf, bytes) !== 0) return -14;
      return bytes.length;
    },
    async write(_f: File, buf: UserBuffer, count: number): Promise<number> {
      const tmp = new Uint8Array(count);
      if (copyFromUser(tmp, buf) !== 0) throw new KernelError('EFAULT', 'copy_from_user');
      return count;
    },
    async unlockedIoctl(f: File, cmd: number, arg: IoctlArg): Promise<number> {
      switch (cmd) {
        case IOC_READ_REG:
          return stateOf(f, mode).bar.view.readl(0);
        case IOC_SLEEP_READ: {
          log?.push(`enter@${k.now}`);
          k.trace('drv_ioctl_enter', misc.name);
          if (mode === 'revocable') {
            const g = fileRevocable<FileState>(f).tryAccessWithGuard();
            if (g === null) throw new KernelError('ENODEV', 'revoked');
            try {
              g.value.bar.view.readl(0);
              await msleep(k, sleepMs);
              return g.value.bar.view.readl(0);
            } finally {
              g.release();
              log?.push(`exit@${k.now}`);
              k.trace('drv_ioctl_exit', misc.name);
            }
          }
          const s = stateOf(f, mode);
          s.bar.view.readl(0);
          await msleep(k, sleepMs);
          const v = s.bar.view.readl(0);
          log?.push(`exit@${k.now}`);
          k.trace('drv_ioctl_exit', misc.name);
          return v;
        }
        case IOC_COPY_IN: {
          const tmp = new Uint8Array(4);
          if (copyFromUser(tmp, arg) !== 0) return -14; // -EFAULT, kernel style
          return tmp[0] as number;
        }
        default:
          return -25; // -ENOTTY
      }
    },
  };
  (misc as { fops: FileOperations }).fops = fops;
  return misc;
}
