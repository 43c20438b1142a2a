import { isKernelError, Kernel, msleep } from '@quiesce/core-devres';
import {
  DEFAULT_POLLMASK,
  EPOLLERR,
  EPOLLHUP,
  type FileOperations,
  miscDeregister,
  miscOpenFiles,
  miscRegister,
  O_RDONLY,
  O_WRONLY,
  open,
  UserBuffer,
} from '@quiesce/miscdev';
import { describe, expect, it } from 'vitest';
import { IOC_COPY_IN, IOC_READ_REG, IOC_SLEEP_READ, makeBar, makeTestMisc } from './helpers/driver.js';
import { FakeModule } from './helpers/fake-owner.js';

async function errnoOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (isKernelError(e)) return e.code;
    throw e;
  }
}

describe('file operations', () => {
  it('read, write, ioctl and poll reach the driver', async () => {
    const k = new Kernel();
    const misc = makeTestMisc(k, makeBar(k, 'bar', 0xa1b2c3d4));
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      const h = await open(k, '/dev/testdev');
      const bytes = await h.read(4);
      return {
        bytes: [...bytes],
        w: await h.write(new Uint8Array(3)),
        reg: await h.ioctl(IOC_READ_REG),
        copied: await h.ioctl(IOC_COPY_IN, new UserBuffer(new Uint8Array([7, 0, 0, 0]))),
        poll: await h.poll(),
      };
    });
    expect(r).toEqual({
      bytes: [0xd4, 0xc3, 0xb2, 0xa1],
      w: 3,
      reg: 0xa1b2c3d4,
      copied: 7,
      poll: DEFAULT_POLLMASK,
    });
  });

  it('-ENOTTY for an unknown command and for a driver without unlocked_ioctl', async () => {
    const k = new Kernel();
    const misc = makeTestMisc(k, makeBar(k));
    const bare = { minor: 255, name: 'bare', fops: { owner: null } satisfies FileOperations };
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      await miscRegister(k, bare);
      const h = await open(k, '/dev/testdev');
      const b = await open(k, '/dev/bare');
      return [await errnoOf(h.ioctl(0xdead)), await errnoOf(b.ioctl(IOC_READ_REG))];
    });
    expect(r).toEqual(['ENOTTY', 'ENOTTY']);
  });

  it('-EINVAL for read/write without the op (vfs_read/vfs_write)', async () => {
    const k = new Kernel();
    const bare = { minor: 255, name: 'bare', fops: { owner: null } satisfies FileOperations };
    const r = await k.exec('t', async () => {
      await miscRegister(k, bare);
      const b = await open(k, '/dev/bare');
      return [await errnoOf(b.read(4)), await errnoOf(b.write(new Uint8Array(1))), await b.poll()];
    });
    expect(r).toEqual(['EINVAL', 'EINVAL', DEFAULT_POLLMASK]);
  });

  it('-EBADF on a closed handle, a second close, and the wrong access mode', async () => {
    const k = new Kernel();
    const misc = makeTestMisc(k, makeBar(k));
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      const ro = await open(k, '/dev/testdev', O_RDONLY);
      const wo = await open(k, '/dev/testdev', O_WRONLY);
      const h = await open(k, '/dev/testdev');
      await h.close();
      return [
        await errnoOf(h.ioctl(IOC_READ_REG)),
        await errnoOf(h.read(4)),
        await errnoOf(h.write(new Uint8Array(1))),
        await errnoOf(h.poll()),
        await errnoOf(h.close()),
        await errnoOf(ro.write(new Uint8Array(1))),
        await errnoOf(wo.read(1)),
      ];
    });
    expect(r).toEqual(['EBADF', 'EBADF', 'EBADF', 'EBADF', 'EBADF', 'EBADF', 'EBADF']);
  });

  it('-EFAULT for a NULL, unmapped or integer user pointer', async () => {
    const k = new Kernel();
    const misc = makeTestMisc(k, makeBar(k));
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      const h = await open(k, '/dev/testdev');
      const gone = UserBuffer.alloc(4);
      gone.munmap();
      return [
        await errnoOf(h.readInto(UserBuffer.null(), 4)),
        await errnoOf(h.write(gone, 4)),
        await errnoOf(h.ioctl(IOC_COPY_IN, 0)),
        await errnoOf(h.ioctl(IOC_COPY_IN, null)),
        await errnoOf(h.ioctl(IOC_COPY_IN, UserBuffer.null())),
      ];
    });
    expect(r).toEqual(['EFAULT', 'EFAULT', 'EFAULT', 'EFAULT', 'EFAULT']);
  });

  it('open takes a module reference and close drops it after the driver release', async () => {
    const k = new Kernel();
    const mod = new FakeModule('testmod');
    const misc = makeTestMisc(k, makeBar(k), { owner: mod });
    await k.exec('t', async () => {
      await miscRegister(k, misc);
      const a = await open(k, '/dev/testdev');
      const b = await open(k, '/dev/testdev');
      expect(mod.refs).toBe(2);
      await a.close();
      expect([mod.refs, misc.releases]).toEqual([1, 1]);
      await b.close();
    });
    expect([mod.refs, misc.opens, misc.releases, mod.underflows]).toEqual([0, 2, 2, 0]);
  });

  it('open fails -ENODEV while the owner is GOING, without calling the driver', async () => {
    const k = new Kernel();
    const mod = new FakeModule('testmod');
    const misc = makeTestMisc(k, makeBar(k), { owner: mod });
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      mod.state = 'GOING';
      return errnoOf(open(k, '/dev/testdev'));
    });
    expect(r).toBe('ENODEV');
    expect([mod.refs, misc.opens, miscOpenFiles(misc)]).toEqual([0, 0, 0]);
  });

  it('a failing driver open drops the module reference and skips release', async () => {
    const k = new Kernel();
    const mod = new FakeModule('testmod');
    const misc = makeTestMisc(k, makeBar(k), { owner: mod });
    (misc.fops as { open: FileOperations['open'] }).open = async () => -16;
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      return errnoOf(open(k, '/dev/testdev'));
    });
    expect(r).toBe('EBUSY');
    expect([mod.refs, misc.releases, miscOpenFiles(misc)]).toEqual([0, 0, 0]);
  });

  it('close during an operation defers the driver release until the operation returns', async () => {
    const k = new Kernel();
    const log: string[] = [];
    const misc = makeTestMisc(k, makeBar(k), { sleepMs: 5, log });
    await k.exec('reg', () => miscRegister(k, misc));
    const h = await k.exec('open', () => open(k, '/dev/testdev'));
    k.spawn('ioctl', async () => {
      await h.ioctl(IOC_SLEEP_READ);
      log.push(`ioctl returned, releases=${misc.releases}`);
    });
    k.spawn('closer', async () => {
      await msleep(k, 1);
      await h.close();
      log.push(`closed, releases=${misc.releases}`);
    });
    await k.run();
    expect(log).toEqual(['enter@0', 'closed, releases=0', 'exit@5000000', 'ioctl returned, releases=1']);
  });

  it('after a forced module unload an operation is an execute-after-free report, the call is not made, -ENODEV', async () => {
    const k = new Kernel();
    const mod = new FakeModule('testmod');
    const misc = makeTestMisc(k, makeBar(k), { owner: mod });
    let called = 0;
    const inner = misc.fops.unlockedIoctl?.bind(misc.fops);
    (misc.fops as { unlockedIoctl: FileOperations['unlockedIoctl'] }).unlockedIoctl = async function testIoctl(
      f,
      c,
      a,
    ) {
      called++;
      return inner?.(f, c, a) ?? 0;
    };
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      const h = await open(k, '/dev/testdev');
      mod.forceUnload();
      return errnoOf(h.ioctl(IOC_READ_REG));
    });
    expect(r).toBe('ENODEV');
    expect(called).toBe(0);
    expect(k.reports.map((x) => x.kind)).toEqual(['execute-after-free']);
    expect(k.reports[0]?.resource).toBe('testIoctl [testmod]');
  });
});

describe('deregister disciplines with a file still open', () => {
  it('kernel: the open file keeps calling the driver and pins the module until close', async () => {
    const k = new Kernel();
    const mod = new FakeModule('testmod');
    const misc = makeTestMisc(k, makeBar(k, 'bar', 42), { owner: mod, mode: 'kernel' });
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      const h = await open(k, '/dev/testdev');
      await miscDeregister(misc);
      const afterDereg = {
        reg: await h.ioctl(IOC_READ_REG),
        refs: mod.refs,
        reopen: await errnoOf(open(k, '/dev/testdev')),
      };
      await h.close();
      return { ...afterDereg, refsAfterClose: mod.refs, releases: misc.releases };
    });
    expect(r).toEqual({ reg: 42, refs: 1, reopen: 'ENODEV', refsAfterClose: 0, releases: 1 });
  });

  it('fenced: later operations fail -ENODEV in the VFS, release runs once at the fence, the module is unpinned', async () => {
    const k = new Kernel();
    const mod = new FakeModule('testmod');
    const misc = makeTestMisc(k, makeBar(k), { owner: mod, mode: 'fenced' });
    let calls = 0;
    const inner = misc.fops.unlockedIoctl?.bind(misc.fops);
    (misc.fops as { unlockedIoctl: FileOperations['unlockedIoctl'] }).unlockedIoctl = async (f, c, a) => {
      calls++;
      return inner?.(f, c, a) ?? 0;
    };
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      const h = await open(k, '/dev/testdev');
      await h.ioctl(IOC_READ_REG);
      await miscDeregister(misc);
      const at = { refs: mod.refs, releases: misc.releases };
      // The module can now go, even with the file open: nothing of it is reachable.
      mod.forceUnload();
      const errs = [
        await errnoOf(h.ioctl(IOC_READ_REG)),
        await errnoOf(h.read(4)),
        await errnoOf(h.write(new Uint8Array(1))),
      ];
      const poll = await h.poll();
      await h.close();
      return { at, errs, poll, releases: misc.releases };
    });
    expect(r).toEqual({
      at: { refs: 0, releases: 1 },
      errs: ['ENODEV', 'ENODEV', 'ENODEV'],
      poll: EPOLLERR | EPOLLHUP,
      releases: 1,
    });
    expect(calls).toBe(1);
    expect(mod.underflows).toBe(0);
    expect(k.reports).toEqual([]);
  });

  it('revocable: the driver is still called and its tryAccess fails -ENODEV; the module stays pinned', async () => {
    const k = new Kernel();
    const mod = new FakeModule('testmod');
    const misc = makeTestMisc(k, makeBar(k, 'bar', 5), { owner: mod, mode: 'revocable' });
    const r = await k.exec('t', async () => {
      await miscRegister(k, misc);
      const h = await open(k, '/dev/testdev');
      const before = await h.ioctl(IOC_READ_REG);
      await miscDeregister(misc);
      const after = await errnoOf(h.ioctl(IOC_READ_REG));
      const refs = mod.refs;
      await h.close();
      return { before, after, refs, refsAfterClose: mod.refs, releases: misc.releases };
    });
    expect(r).toEqual({ before: 5, after: 'ENODEV', refs: 1, refsAfterClose: 0, releases: 1 });
  });
});
