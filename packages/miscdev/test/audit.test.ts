import { isKernelError, Kernel } from '@quiesce/core-devres';
import { type FileOperations, MISC_DYNAMIC_MINOR, type MiscDevice, miscRegister, open } from '@quiesce/miscdev';
import { describe, expect, it } from 'vitest';

describe('fidelity: a misc device registered without file operations', () => {
  it('open fails -ENODEV, as misc_open does when fops_get() yields NULL', async () => {
    const k = new Kernel();
    const misc: MiscDevice = { minor: MISC_DYNAMIC_MINOR, name: 'nofops', fops: null as unknown as FileOperations };
    const got = await k.exec('t', async () => {
      await miscRegister(k, misc);
      try {
        await open(k, '/dev/nofops');
        return 'opened';
      } catch (e) {
        return isKernelError(e) ? e.code : String(e);
      }
    });
    expect(got).toBe('ENODEV');
  });
});
