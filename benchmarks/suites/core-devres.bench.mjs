// Issue 3: the cost of one MMIO read in each discipline, as a driver reaches
// it (the handle is loaded from driver data on every read, never a module
// constant), in a process that has already released other handles.
import {
  BusType,
  Device,
  Devres,
  deviceBind,
  deviceReleaseDriver,
  FencedView,
  Kernel,
  Revocable,
} from '@quiesce/core-devres';
import { main, runSuite, sink } from '../lib/harness.mjs';

const OPS = 4096;
const BAR_BYTES = 4096;

/** Offsets vary per op so nothing is hoisted; all aligned and in range. */
const offsets = new Uint32Array(OPS);
for (let i = 0; i < OPS; i++) offsets[i] = ((i * 7) & 1023) << 2;

/** A process that has bound, used and unbound devices: released handles exist. */
async function churn(k) {
  const bus = new BusType(k, 'bench');
  for (let i = 0; i < 8; i++) {
    const dev = new Device(k, `old${i}`, bus);
    const drv = {
      name: `old${i}`,
      owner: null,
      async probe(d) {
        const v = new FencedView(k, `old${i} BAR0`, new DataView(new ArrayBuffer(BAR_BYTES)));
        v.readl(0);
        d.driverData = { bar: v };
        const { devresAdd } = await import('@quiesce/core-devres');
        devresAdd(d, { name: 'bar', release: () => v.release() });
      },
    };
    await k.exec('bind', () => deviceBind(dev, drv));
    await k.exec('unbind', () => deviceReleaseDriver(dev));
  }
}

/** Binds one device whose driver data holds the handle in every discipline. */
async function bindOne(k, bus, name) {
  const dev = new Device(k, name, bus);
  const buf = new ArrayBuffer(BAR_BYTES);
  new Uint32Array(buf).forEach((_, i, a) => {
    a[i] = (i * 2654435761) >>> 0;
  });
  await k.exec('probe', () =>
    deviceBind(dev, {
      name: 'edu',
      owner: null,
      async probe(d, bound) {
        const bar = new FencedView(k, 'edu BAR0', new DataView(buf));
        const rev = new Revocable(k, bar, 'edu BAR0');
        const devres = new Devres(d, bar, 'edu BAR0');
        // Proxy.revocable cannot wrap a DataView (its methods need the real
        // receiver), so it wraps the composition form a JS programmer would write.
        const plain = {
          view: new DataView(buf),
          readl(o) {
            return this.view.getUint32(o, true);
          },
        };
        const { proxy } = Proxy.revocable(plain, {});
        d.driverData = { view: new DataView(buf), bar, rev, devres, bound, proxy };
      },
    }),
  );
  return dev;
}

export async function setup(n = 3) {
  const k = new Kernel({ sanitizer: 'off', trace: false });
  await churn(k);
  const bus = new BusType(k, 'bench');
  const devs = [];
  for (let i = 0; i < n; i++) devs.push(await bindOne(k, bus, `edu${i}`));
  return { k, devs };
}

export async function suite() {
  const { devs } = await setup();
  // The device rotates between calls, so its driver data is never a constant
  // the JIT could fold; every case reads its handle out of it per op.
  let turn = 0;
  const next = () => devs[turn++ % devs.length];
  const tasks = [
    {
      name: 'raw DataView getUint32',
      baseline: true,
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += dev.driverData.view.getUint32(offsets[i], true);
        sink.n += s;
      },
    },
    {
      name: 'fenced handle readl',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += dev.driverData.bar.readl(offsets[i]);
        sink.n += s;
      },
    },
    {
      name: 'Devres.access(bound).readl',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) {
          const d = dev.driverData;
          s += d.devres.access(d.bound).readl(offsets[i]);
        }
        sink.n += s;
      },
    },
    {
      name: 'Revocable.tryAccess() per read',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) {
          const bar = dev.driverData.rev.tryAccess();
          if (bar !== null) s += bar.readl(offsets[i]);
        }
        sink.n += s;
      },
    },
    {
      // Like for like with the guard row: the handle is loaded once per batch of 64.
      name: 'raw DataView, handle loaded per batch of 64',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i += 64) {
          const view = dev.driverData.view;
          for (let j = i; j < i + 64; j++) s += view.getUint32(offsets[j], true);
        }
        sink.n += s;
      },
    },
    {
      name: 'Revocable guard per batch of 64',
      vs: 'raw DataView, handle loaded per batch of 64',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i += 64) {
          const g = dev.driverData.rev.tryAccessWithGuard();
          if (g === null) continue;
          const bar = g.value;
          for (let j = i; j < i + 64; j++) s += bar.readl(offsets[j]);
          g.release();
        }
        sink.n += s;
      },
    },
    {
      name: 'Proxy.revocable readl',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += dev.driverData.proxy.readl(offsets[i]);
        sink.n += s;
      },
    },
  ];
  return runSuite('MMIO readl per discipline (core-devres)', tasks, { rounds: 25, timeMs: 12, warmupMs: 150 });
}

export default async function () {
  return suite();
}

await main(import.meta.url, suite);
