// revocable_replace_fops (the C revocable series' fops replacement): an open
// file's read/poll/ioctl/release go through a revocable, so revoking the
// provider waits for the operations in flight and later ones never reach the
// driver.
import { isKernelError, Kernel, msleep, revocableProviderAlloc, revocableRevoke } from '@quiesce/core-devres';
import {
  EPOLLERR,
  EPOLLHUP,
  EPOLLIN,
  type File,
  type FileOperations,
  MISC_DYNAMIC_MINOR,
  type MiscDevice,
  miscRegister,
  open,
  revocableReplaceFops,
} from '@quiesce/miscdev';
import { describe, expect, it } from 'vitest';

function world() {
  const k = new Kernel();
  const rp = revocableProviderAlloc(k, { reg: 0x5a }, 'bar0');
  const calls: string[] = [];
  const fops: FileOperations = {
    owner: null,
    async open(f: File) {
      revocableReplaceFops(f, rp);
    },
    async unlockedIoctl(_f: File, cmd: number) {
      calls.push(`ioctl ${cmd}`);
      await msleep(k, 5);
      return 0x5a;
    },
    async poll() {
      calls.push('poll');
      return EPOLLIN;
    },
    async release() {
      calls.push('release');
    },
  };
  const misc: MiscDevice = { minor: MISC_DYNAMIC_MINOR, name: 'rdev', fops, mode: 'kernel' };
  return { k, rp, calls, misc };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    return String(await p);
  } catch (e) {
    if (isKernelError(e)) return e.code;
    throw e;
  }
}

describe('revocableReplaceFops', () => {
  it('reaches the driver while the provider lives; revoke waits for the ioctl in flight', async () => {
    const { k, rp, calls, misc } = world();
    const log: string[] = [];
    k.spawn('user', async () => {
      await miscRegister(k, misc);
      const h = await open(k, '/dev/rdev');
      log.push(`poll ${await h.poll()}`);
      log.push(`ioctl ${await h.ioctl(1)} @${k.now}`);
      await msleep(k, 1);
      log.push(`after revoke: ioctl ${await code(h.ioctl(2))}`);
      log.push(`after revoke: poll ${await h.poll()}`);
      await h.close();
    });
    k.spawn('revoke', async () => {
      await msleep(k, 1); // the ioctl is sleeping inside the driver
      await revocableRevoke(rp);
      log.push(`revoked @${k.now}`);
    });
    await k.run();
    expect(log).toEqual([
      `poll ${EPOLLIN}`,
      'ioctl 90 @5000000',
      'revoked @5000000',
      'after revoke: ioctl ENODEV',
      `after revoke: poll ${EPOLLERR | EPOLLHUP}`,
    ]);
    // the driver saw the first poll and ioctl only; its release was not called after the revoke
    expect(calls).toEqual(['poll', 'ioctl 1']);
    expect(k.reports).toEqual([]);
  });

  it('a file closed before the revoke runs the driver release', async () => {
    const { k, calls, misc } = world();
    await k.exec('user', async () => {
      await miscRegister(k, misc);
      const h = await open(k, '/dev/rdev');
      await h.close();
    });
    expect(calls).toEqual(['release']);
  });
});
