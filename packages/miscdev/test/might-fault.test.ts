// might_fault() in the user-copy helpers: a copy from atomic context is
// "BUG: sleeping function called from invalid context" whether or not it
// faults; from process context, or outside any kernel run, it is not.
import { Kernel, rcuReadLock, rcuReadUnlock, SpinLock } from '@quiesce/core-devres';
import { copyFromUser, copyToUser, getUserU32, putUserU32, UserBuffer } from '@quiesce/miscdev';
import { describe, expect, it } from 'vitest';

const sia = (k: Kernel) => k.reports.filter((r) => r.kind === 'sleep-in-atomic').map((r) => r.resource);

describe('might_fault in copy_to_user / copy_from_user / get_user / put_user', () => {
  it('under a spinlock: sleep-in-atomic named after the helper, and the copy is still made', async () => {
    const k = new Kernel();
    const lock = new SpinLock(k, 'edu_lock');
    const u = UserBuffer.alloc(8);
    const left = await k.exec('ioctl', () => {
      lock.lock();
      const n = copyToUser(u, Uint8Array.of(1, 2, 3, 4));
      lock.unlock();
      return n;
    });
    expect(left).toBe(0);
    expect([...u.bytes.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(sia(k)).toEqual(['copy_to_user']);
  });

  it('in an RCU read-side section and in a hardirq handler too, for each helper', async () => {
    const k = new Kernel();
    const u = UserBuffer.alloc(8);
    await k.exec('ioctl', () => {
      rcuReadLock(k);
      copyFromUser(new Uint8Array(4), u);
      rcuReadUnlock(k);
      k.runAtomic('hardirq', 0, 'edu irq', () => {
        getUserU32(u);
      });
      k.runAtomic('softirq', 0, 'edu tasklet', () => putUserU32(u, 7));
    });
    expect(sia(k)).toEqual(['copy_from_user', 'get_user', 'put_user']);
  });

  it('from process context, and outside any kernel run, nothing is reported', async () => {
    const k = new Kernel();
    const u = UserBuffer.alloc(4);
    await k.exec('ioctl', () => {
      copyToUser(u, Uint8Array.of(9));
      putUserU32(u, 1);
    });
    copyFromUser(new Uint8Array(4), u); // a test's own access: no context to check
    expect(k.reports).toEqual([]);
  });
});
