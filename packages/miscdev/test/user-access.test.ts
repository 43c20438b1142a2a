// get_user/put_user of a u32 and the EPOLL* bits (include/uapi/linux/eventpoll.h).
import { isKernelError } from '@quiesce/core-devres';
import {
  EPOLLERR,
  EPOLLHUP,
  EPOLLIN,
  EPOLLOUT,
  EPOLLPRI,
  EPOLLRDNORM,
  EPOLLWRNORM,
  getUserU32,
  putUserU32,
  UserBuffer,
} from '@quiesce/miscdev';
import { describe, expect, it } from 'vitest';

function errno(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isKernelError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('get_user / put_user (u32)', () => {
  it('little-endian round trip at an offset', () => {
    const u = UserBuffer.alloc(8);
    putUserU32(u, 0xdead_beef, 4);
    expect([...u.bytes]).toEqual([0, 0, 0, 0, 0xef, 0xbe, 0xad, 0xde]);
    expect(getUserU32(u, 4)).toBe(0xdead_beef);
    u.bytes.set([0x78, 0x56, 0x34, 0x12], 0);
    expect(getUserU32(u)).toBe(0x1234_5678);
  });

  it('-EFAULT for NULL, unmapped memory, a non-pointer and 4 bytes not all mapped; nothing is written', () => {
    const u = UserBuffer.alloc(6);
    expect(errno(() => getUserU32(UserBuffer.null()))).toBe('EFAULT');
    expect(errno(() => getUserU32(42))).toBe('EFAULT');
    expect(errno(() => getUserU32(u, 3))).toBe('EFAULT');
    expect(errno(() => getUserU32(u, -1))).toBe('EFAULT');
    expect(errno(() => putUserU32(u, 0xffff_ffff, 3))).toBe('EFAULT');
    expect([...u.bytes]).toEqual([0, 0, 0, 0, 0, 0]);
    const gone = UserBuffer.alloc(4);
    gone.munmap();
    expect(errno(() => putUserU32(gone, 1))).toBe('EFAULT');
  });
});

describe('EPOLL* bits', () => {
  it('have the values of eventpoll.h', () => {
    expect({ EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLWRNORM }).toEqual({
      EPOLLIN: 0x001,
      EPOLLPRI: 0x002,
      EPOLLOUT: 0x004,
      EPOLLERR: 0x008,
      EPOLLHUP: 0x010,
      EPOLLRDNORM: 0x040,
      EPOLLWRNORM: 0x100,
    });
  });
});
