// Issue 14: the hot-path cost of kernel memory. A driver reads its state
// through a live KBuf (kmalloc memory) against the same reads through a raw
// DataView, in a process that has already freed KBufs (their prototypes are
// dead) and made bounds-checked ones on a sanitizer kernel, with the
// sanitizer off. The fenced-handle rule says the live access costs nothing
// extra.
import { GFP_ATOMIC, Kernel, kfree, kzalloc } from '@quiesce/core-devres';
import { main, runSuite, sink } from '../lib/harness.mjs';

const OPS = 4096;
const BYTES = 4096;

/** Offsets vary per op so nothing is hoisted; all aligned and in range. */
const offsets = new Uint32Array(OPS);
for (let i = 0; i < OPS; i++) offsets[i] = ((i * 7) & 1023) << 2;

export async function suite() {
  const k = new Kernel({ sanitizer: 'off', trace: false });
  // Churn: allocate, use and free, so freed (dead-prototype) objects exist,
  // and, on a sanitizer kernel, live objects with the bounds-checked
  // prototype: the sanitizer-off path must stay fast in a process that has
  // seen all three shapes.
  const kasan = new Kernel({ sanitizer: 'report', trace: false });
  for (let i = 0; i < 64; i++) {
    const b = kzalloc(k, BYTES, GFP_ATOMIC);
    b.getU32(0);
    kfree(k, b);
    const c = kzalloc(kasan, 40, GFP_ATOMIC);
    c.getU32(0);
    c.getUint32(4, true);
  }
  // Three "devices" whose private data holds the memory in both forms; the
  // holder rotates so the JIT cannot fold the handle into a constant.
  const privs = [];
  for (let i = 0; i < 3; i++) {
    const kb = kzalloc(k, BYTES, GFP_ATOMIC);
    for (let j = 0; j < BYTES / 4; j++) kb.setU32(j * 4, (j * 2654435761) >>> 0);
    privs.push({ kb, raw: new DataView(kb.memcpyTo().buffer) });
  }
  let turn = 0;
  const next = () => privs[turn++ % privs.length];
  const tasks = [
    {
      name: 'raw DataView getUint32(off, true)',
      baseline: true,
      ops: OPS,
      fn: () => {
        const p = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += p.raw.getUint32(offsets[i], true);
        sink.n += s;
      },
    },
    {
      name: 'live KBuf getU32(off)',
      ops: OPS,
      fn: () => {
        const p = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += p.kb.getU32(offsets[i]);
        sink.n += s;
      },
    },
    {
      name: 'live KBuf getUint32(off, true)',
      ops: OPS,
      fn: () => {
        const p = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += p.kb.getUint32(offsets[i], true);
        sink.n += s;
      },
    },
  ];
  return runSuite('kmalloc memory read per access (KBuf vs raw DataView, sanitizer off)', tasks, { rounds: 3 });
}

export default async function () {
  return suite();
}

await main(import.meta.url, suite);
