/**
 * A tiny DMA-able system RAM: one `ArrayBuffer` per kernel, at bus address
 * {@link SYSTEM_RAM_BASE}, with a first-fit page allocator behind
 * `dma_alloc_coherent`. Without an IOMMU, a bus (DMA) address is the
 * physical address, so a device model reads and writes this buffer directly.
 *
 * Device accesses outside a live allocation (never allocated, or freed) are
 * a sanitizer report: a real DMA there corrupts whatever owns the page now.
 */
import {
  captureStack,
  checkKernel,
  type Kernel,
  KernelLocal,
  type KernelMemory,
  kernelMemory,
} from '@quiesce/core-devres';

/** Bus address of the first byte of RAM (1 MiB, below the edu device's 28-bit DMA mask). */
export const SYSTEM_RAM_BASE = 0x10_0000;
/** Default RAM size: 1 MiB. */
export const SYSTEM_RAM_SIZE = 0x10_0000;
/** Allocation granule. */
export const PAGE_SIZE = 4096;

interface Block {
  readonly start: number;
  readonly size: number;
  live: boolean;
  /** Allocation stack and context (`task insmod/3`), for KASAN's "Allocated by". */
  readonly stack: string | undefined;
  readonly by: string;
  /** Free stack and context, for "Freed by". */
  freedStack: string | undefined;
  freedBy: string;
  /** A use-after-free of this block was already reported (KASAN reports each bug once). */
  reported: boolean;
}

function who(k: Kernel): string {
  const c = k.contextInfo();
  return c.kind === 'task' ? `task ${c.name}/${c.pid}` : c.kind === 'none' ? 'kernel' : `${c.kind} ${c.name}`;
}

export class SystemRam {
  private readonly ram: Uint8Array<ArrayBuffer>;
  /** The recycled memory and its record of written bytes: every CPU or device access goes through {@link view}. */
  private readonly memory: KernelMemory;
  private readonly blocks: Block[] = [];

  constructor(
    private readonly kernel: Kernel,
    readonly base = SYSTEM_RAM_BASE,
    readonly size = SYSTEM_RAM_SIZE,
  ) {
    checkKernel('SystemRam.new', kernel, 'kernel');
    // Recycled across explored runs (docs/explorer.md, "Speed"); zeroed like a new buffer.
    this.memory = kernelMemory(kernel, size, 0);
    this.ram = new Uint8Array(this.memory.buffer);
  }

  /**
   * All of RAM, raw. Writes through it are not seen: asking for it counts
   * the whole RAM as written (a recycled RAM is then zeroed whole).
   */
  get bytes(): Uint8Array<ArrayBuffer> {
    this.memory.written(0, this.size);
    return this.ram;
  }

  /** Allocates `size` bytes (rounded up to pages) below `limit` (inclusive). Null when full. */
  alloc(size: number, limit: number): number | null {
    const need = Math.ceil(Math.max(size, 1) / PAGE_SIZE) * PAGE_SIZE;
    let at = this.base;
    const live = this.blocks.filter((b) => b.live).sort((a, b) => a.start - b.start);
    for (const b of live) {
      if (b.start - at >= need) break;
      at = Math.max(at, b.start + b.size);
    }
    if (at + need > this.base + this.size || at + need - 1 > limit) return null;
    this.blocks.push({
      start: at,
      size: need,
      live: true,
      stack: captureStack(this.kernel.sanitizer.mode, 4),
      by: who(this.kernel),
      freedStack: undefined,
      freedBy: '?',
      reported: false,
    });
    this.ram.fill(0, at - this.base, at - this.base + need);
    return at;
  }

  /** Frees the allocation starting at `addr`; false if there is none. */
  free(addr: number): boolean {
    const b = this.blocks.find((x) => x.live && x.start === addr);
    if (!b) return false;
    b.live = false;
    b.freedStack = captureStack(this.kernel.sanitizer.mode, 4);
    b.freedBy = who(this.kernel);
    return true;
  }

  /** The CPU's (or a device's) view of `[addr, addr+len)`: counted as written, as whoever holds it may store. */
  view(addr: number, len: number): Uint8Array<ArrayBuffer> {
    this.memory.written(addr - this.base, addr - this.base + len);
    return this.ram.subarray(addr - this.base, addr - this.base + len);
  }

  /**
   * Checks a device access of `[addr, addr+len)`: false if it falls outside
   * RAM (nothing is transferred). Inside RAM but not in a live allocation
   * the transfer still happens, as it would on hardware, and is reported:
   * into a freed buffer it is KASAN's `use-after-free` (once per buffer,
   * with the allocation and free stacks and the access stack of the code
   * that made the device run); into memory never allocated,
   * `use-after-remove` (a wild bus address: nothing was ever there).
   */
  checkDeviceAccess(addr: number, len: number, dev: string, write: boolean): boolean {
    if (addr < this.base || addr + len > this.base + this.size || len < 0) return false;
    const inside = this.blocks.some((b) => b.live && addr >= b.start && addr + len <= b.start + b.size);
    if (inside || len === 0) return true;
    // The newest freed block under the access: the buffer the driver last had there.
    let freed: Block | undefined;
    for (const b of this.blocks) if (!b.live && addr < b.start + b.size && addr + len > b.start) freed = b;
    const rw = write ? 'write' : 'read';
    const at = `0x${addr.toString(16)}`;
    if (freed !== undefined) {
      if (freed.reported) return true;
      freed.reported = true;
      this.kernel.sanitizer.report({
        kind: 'use-after-free',
        title: `BUG: KASAN: use-after-free in DMA ${rw} by ${dev}`,
        resource: 'dma-coherent', // as the CPU-side report (kbufResource): one bug, one finding
        detail: `${dev}: DMA ${rw} of ${len} bytes at ${at}, offset 0x${(addr - freed.start).toString(16)} of a freed ${freed.size}-byte coherent buffer; allocated by ${freed.by}, freed by ${freed.freedBy}`,
        stacks: {
          ...this.kernel.stack(),
          ...(freed.stack !== undefined ? { acquired: freed.stack } : {}),
          ...(freed.freedStack !== undefined ? { released: freed.freedStack } : {}),
        },
      });
      return true;
    }
    this.kernel.sanitizer.report({
      kind: 'use-after-remove',
      title: `BUG: KASAN: DMA ${write ? 'write to' : 'read from'} unallocated memory by ${dev}`,
      resource: `dma ${at}`,
      detail: `${dev}: DMA ${rw} of ${len} bytes at ${at}, not inside a live dma_alloc_coherent buffer`,
      stacks: this.kernel.stack(),
    });
    return true;
  }
}

const RAM = new KernelLocal((k: Kernel) => new SystemRam(k));

/** The kernel's system RAM (created on first use, 1 MiB at 0x100000). Context: any. */
export function systemRam(k: Kernel): SystemRam {
  checkKernel('systemRam', k);
  return RAM.get(k);
}
