// Why FencedView is a DataView subclass killed by a prototype swap: the
// candidate tricks for "a dead handle traps, a live one costs nothing",
// measured side by side. Each candidate has had some of its instances
// released before measuring; live handles are reached through driver data of
// a rotating device (never a constant).
import { FencedView, Kernel } from '@quiesce/core-devres';
import { main, runSuite, sink } from '../lib/harness.mjs';

const kernel = new Kernel({ sanitizer: 'off', trace: false });

const OPS = 4096;
const offsets = new Uint32Array(OPS);
for (let i = 0; i < OPS; i++) offsets[i] = ((i * 7) & 1023) << 2;
const ZERO = new DataView(new ArrayBuffer(0));

/** Composition, `view` const from birth; release overwrites it (loses constness). */
class FieldSwap {
  constructor(v) {
    this.view = v;
  }
  readl(o) {
    return this.view.getUint32(o, true);
  }
}
/** Composition, `view` written twice at birth (never constant); release overwrites. */
class FieldSwapMutable {
  constructor(v) {
    this.view = ZERO;
    this.view = v;
  }
  readl(o) {
    return this.view.getUint32(o, true);
  }
}
/** Composition with a try/catch around the access (the catch reports). */
class FieldSwapTry {
  constructor(v) {
    this.view = ZERO;
    this.view = v;
  }
  readl(o) {
    try {
      return this.view.getUint32(o, true);
    } catch (e) {
      return this.fault(e);
    }
  }
  fault(e) {
    throw e;
  }
}
/** The handle is the DataView; release swaps the dead instance's prototype. */
class ProtoSwap extends DataView {
  readl(o) {
    return this.getUint32(o, true);
  }
}
const DeadProto = Object.create(null, {
  readl: {
    value() {
      throw new RangeError('use after remove');
    },
  },
});
/**
 * The same, with the dead prototype chained *below* the live one (what
 * FencedView does since the accessor table): a released handle still is a
 * DataView and reports byteLength 0. Its own class, so both forms are
 * measured in one run.
 */
class ProtoSwapChained extends DataView {
  readl(o) {
    return this.getUint32(o, true);
  }
}
const DeadChained = Object.create(ProtoSwapChained.prototype, {
  readl: {
    value() {
      throw new RangeError('use after remove');
    },
  },
  getUint32: {
    value() {
      throw new RangeError('use after remove');
    },
  },
  byteLength: { get: () => 0 },
});
/** The handle is a DataView on a resizable buffer shrunk to 0 at release. */
class Resizable extends DataView {
  readl(o) {
    return this.getUint32(o, true);
  }
}

function releaseSome() {
  for (let i = 0; i < 4; i++) {
    const b = new ArrayBuffer(64);
    const a = new FieldSwap(new DataView(b));
    a.readl(0);
    a.view = ZERO;
    const m = new FieldSwapMutable(new DataView(b));
    m.readl(0);
    m.view = ZERO;
    const t = new FieldSwapTry(new DataView(b));
    t.readl(0);
    t.view = ZERO;
    const p = new ProtoSwap(b);
    p.readl(0);
    Object.setPrototypeOf(p, DeadProto);
    const c = new ProtoSwapChained(b);
    c.readl(0);
    Object.setPrototypeOf(c, DeadChained);
    if (!(c instanceof DataView) || c.byteLength !== 0) throw new Error('chained dead prototype lost DataView');
    const f = new FencedView(kernel, `old${i} BAR0`, new DataView(b));
    f.readl(0);
    f.release();
    const rb = new ArrayBuffer(64, { maxByteLength: 64 });
    const r = new Resizable(rb);
    r.readl(0);
    rb.resize(0);
  }
}

function driverData(buf) {
  const rb = new ArrayBuffer(buf.byteLength, { maxByteLength: buf.byteLength });
  new Uint8Array(rb).set(new Uint8Array(buf));
  return {
    view: new DataView(buf),
    fieldSwap: new FieldSwap(new DataView(buf)),
    fieldSwapMutable: new FieldSwapMutable(new DataView(buf)),
    fieldSwapTry: new FieldSwapTry(new DataView(buf)),
    protoSwap: new ProtoSwap(buf),
    protoSwapChained: new ProtoSwapChained(buf),
    fencedView: new FencedView(kernel, 'edu BAR0', new DataView(buf)),
    resizable: new Resizable(rb),
  };
}

export async function suite() {
  releaseSome();
  const devs = [0, 1, 2].map(() => {
    const buf = new ArrayBuffer(4096);
    new Uint32Array(buf).forEach((_, i, a) => {
      a[i] = i;
    });
    return { driverData: driverData(buf) };
  });
  let turn = 0;
  const next = () => devs[turn++ % devs.length];
  // One function per case: a shared closure would make the call site
  // polymorphic over every handle class and measure that instead.
  const loops = {
    fieldSwap: () => {
      const d = next().driverData;
      let s = 0;
      for (let i = 0; i < OPS; i++) s += d.fieldSwap.readl(offsets[i]);
      sink.n += s;
    },
    fieldSwapMutable: () => {
      const d = next().driverData;
      let s = 0;
      for (let i = 0; i < OPS; i++) s += d.fieldSwapMutable.readl(offsets[i]);
      sink.n += s;
    },
    fieldSwapTry: () => {
      const d = next().driverData;
      let s = 0;
      for (let i = 0; i < OPS; i++) s += d.fieldSwapTry.readl(offsets[i]);
      sink.n += s;
    },
    protoSwap: () => {
      const d = next().driverData;
      let s = 0;
      for (let i = 0; i < OPS; i++) s += d.protoSwap.readl(offsets[i]);
      sink.n += s;
    },
    protoSwapChained: () => {
      const d = next().driverData;
      let s = 0;
      for (let i = 0; i < OPS; i++) s += d.protoSwapChained.readl(offsets[i]);
      sink.n += s;
    },
    fencedView: () => {
      const d = next().driverData;
      let s = 0;
      for (let i = 0; i < OPS; i++) s += d.fencedView.readl(offsets[i]);
      sink.n += s;
    },
    resizable: () => {
      const d = next().driverData;
      let s = 0;
      for (let i = 0; i < OPS; i++) s += d.resizable.readl(offsets[i]);
      sink.n += s;
    },
  };
  const tasks = [
    {
      name: 'raw DataView (driver data)',
      baseline: true,
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += dev.driverData.view.getUint32(offsets[i], true);
        sink.n += s;
      },
    },
    { name: 'field swap, const field', ops: OPS, fn: loops.fieldSwap },
    { name: 'field swap, mutable from birth', ops: OPS, fn: loops.fieldSwapMutable },
    { name: 'field swap + try/catch', ops: OPS, fn: loops.fieldSwapTry },
    { name: 'DataView subclass, prototype swap', ops: OPS, fn: loops.protoSwap },
    { name: 'prototype swap, dead proto below live', ops: OPS, fn: loops.protoSwapChained },
    { name: 'core FencedView.readl (the shipped class)', ops: OPS, fn: loops.fencedView },
    { name: 'resizable buffer, shrink to 0', ops: OPS, fn: loops.resizable },
  ];
  return runSuite('Fenced-handle tricks: live readl after others were released', tasks, { rounds: 3 });
}

export default suite;

await main(import.meta.url, suite);
