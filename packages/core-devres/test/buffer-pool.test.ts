import { Kernel, kernelBuffer, kernelMemory, kernelMemoryCheck, releaseKernelBuffers } from '@quiesce/core-devres';
import { afterEach, describe, expect, it } from 'vitest';

/** Sizes no other test in this worker uses, so the module-wide pool holds only what each test released. */
let nextSize = 0x3000;
const freshSize = (): number => (nextSize += 0x10);

const every = (b: ArrayBuffer, byte: number): boolean => new Uint8Array(b).every((x) => x === byte);

afterEach(() => kernelMemoryCheck(false));

describe('kernelMemory: recycled memory with a record of written bytes', () => {
  it('a new buffer holds the fill byte in every byte, and nothing counts as written', () => {
    const size = freshSize();
    const m = kernelMemory(new Kernel(), size, 0xff);
    expect(m.buffer.byteLength).toBe(size);
    expect(every(m.buffer, 0xff)).toBe(true);
    expect(m.fill).toBe(0xff);
    expect(m.dirtyStart >= m.dirtyEnd).toBe(true);
  });

  it('a released buffer comes back to the next kernel with its written bytes restored, and is the same memory', () => {
    const size = freshSize();
    kernelMemoryCheck(true);
    const k1 = new Kernel();
    const m = kernelMemory(k1, size, 0xff);
    const bytes = new Uint8Array(m.buffer);
    bytes.fill(0x12, 0x10, 0x20);
    m.written(0x10, 0x20);
    bytes[size - 1] = 0;
    m.written(size - 1, size);
    releaseKernelBuffers(k1);
    const again = kernelMemory(new Kernel(), size, 0xff);
    expect(again.buffer).toBe(m.buffer);
    expect(every(again.buffer, 0xff)).toBe(true);
    expect(again.dirtyStart >= again.dirtyEnd).toBe(true);
  });

  it('with the check on, a write its owner did not report is an error at reuse, naming the offset', () => {
    const size = freshSize();
    kernelMemoryCheck(true);
    const k1 = new Kernel();
    const m = kernelMemory(k1, size, 0);
    m.written(0, 8);
    new Uint8Array(m.buffer)[0x40] = 7;
    releaseKernelBuffers(k1);
    expect(() => kernelMemory(new Kernel(), size, 0)).toThrow(/holds 0x7 at offset 0x40, outside the range/);
  });

  it('buffers of one size but different fill bytes each come back to their own kind', () => {
    const size = freshSize();
    const k1 = new Kernel();
    const ones = kernelMemory(k1, size, 0xff);
    const zeros = kernelMemory(k1, size, 0);
    releaseKernelBuffers(k1);
    const k2 = new Kernel();
    const z = kernelMemory(k2, size, 0);
    const o = kernelMemory(k2, size, 0xff);
    expect(z.buffer).toBe(zeros.buffer);
    expect(o.buffer).toBe(ones.buffer);
    expect(every(z.buffer, 0)).toBe(true);
    expect(every(o.buffer, 0xff)).toBe(true);
  });

  it('a buffer of another fill byte is not reused: a new one is made', () => {
    const size = freshSize();
    const k1 = new Kernel();
    const other = kernelMemory(k1, size, 0x5a);
    releaseKernelBuffers(k1);
    const m = kernelMemory(new Kernel(), size, 0);
    expect(m.buffer).not.toBe(other.buffer);
    expect(every(m.buffer, 0)).toBe(true);
  });

  it('reset(byte) sets every byte; to a byte other than the fill it counts the whole buffer as written', () => {
    const size = freshSize();
    kernelMemoryCheck(true);
    const k1 = new Kernel();
    const m = kernelMemory(k1, size, 0xff);
    m.reset(0xab);
    expect(every(m.buffer, 0xab)).toBe(true);
    expect([m.dirtyStart, m.dirtyEnd]).toEqual([0, size]);
    m.reset();
    expect(every(m.buffer, 0xff)).toBe(true);
    releaseKernelBuffers(k1);
    expect(every(kernelMemory(new Kernel(), size, 0xff).buffer, 0xff)).toBe(true);
  });

  it('written() clamps to the buffer, and widens to all of it for an argument that is not a number', () => {
    const size = freshSize();
    const m = kernelMemory(new Kernel(), size, 0);
    m.written(-5, 3);
    expect([m.dirtyStart, m.dirtyEnd]).toEqual([0, 3]);
    m.written(size - 2, size + 100);
    expect([m.dirtyStart, m.dirtyEnd]).toEqual([0, size]);
    const n = kernelMemory(new Kernel(), size, 0);
    n.written(Number.NaN, Number.NaN);
    expect([n.dirtyStart, n.dirtyEnd]).toEqual([0, size]);
  });

  it('kernelBuffer: zeroed, and rewritten whole at reuse whatever was written (its owner reports nothing)', () => {
    const size = freshSize();
    kernelMemoryCheck(true);
    const k1 = new Kernel();
    const b = kernelBuffer(k1, size);
    expect(every(b, 0)).toBe(true);
    new Uint8Array(b).fill(0x77);
    releaseKernelBuffers(k1);
    const again = kernelBuffer(new Kernel(), size);
    expect(again).toBe(b);
    expect(every(again, 0)).toBe(true);
  });

  it('rejects bad arguments before anything is taken from the pool', () => {
    const k = new Kernel();
    expect(() => kernelMemory(k, -1)).toThrow(RangeError);
    expect(() => kernelMemory(k, 1.5)).toThrow(RangeError);
    expect(() => kernelMemory(k, 16, 256)).toThrow(/fill must be a byte value 0..255/);
    expect(() => kernelMemory(k, 16, -1)).toThrow(RangeError);
    expect(() => kernelMemory({} as Kernel, 16)).toThrow(/kernelMemory: k must be a Kernel/);
    expect(() => kernelBuffer(k, Number.NaN)).toThrow(RangeError);
    expect(() => releaseKernelBuffers(null as unknown as Kernel)).toThrow(TypeError);
    expect(() => kernelMemory(k, 16).reset(300)).toThrow(RangeError);
    expect(() => kernelMemoryCheck('yes' as unknown as boolean)).toThrow(TypeError);
  });
});
