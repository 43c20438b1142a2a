// A short tour of the runtime (runs against the built packages):
// bind a device, use a fenced handle from a task, unbind, touch it again,
// and print the sanitizer's report and the tail of the trace.
import {
  BusType,
  Device,
  deviceBind,
  deviceReleaseDriver,
  devresAdd,
  FencedView,
  formatReport,
  Kernel,
  msleep,
} from '@quiesce/core-devres';

const k = new Kernel({ cpus: 2, seed: 7, strategy: 'random' });
const bus = new BusType(k, 'demo');
const dev = new Device(k, 'edu', bus);
const bar = new DataView(new ArrayBuffer(0x100));
bar.setUint32(0, 0x010000ed, true);

const driver = {
  name: 'edu-demo',
  owner: null,
  async probe(d) {
    const io = new FencedView(k, 'edu BAR0', bar);
    devresAdd(d, { name: 'iomap BAR0', release: () => io.release() });
    d.driverData = { io };
  },
};

let stale;
k.spawn('probe', async () => {
  await deviceBind(dev, driver);
  stale = dev.driverData.io;
  console.log(`bound: id register = 0x${stale.readl(0).toString(16).padStart(8, '0')}`);
});
k.spawn('user', async () => {
  await msleep(k, 1);
  await deviceReleaseDriver(dev);
  console.log('unbound at', k.now, 'ns; reading the stale handle again…');
  stale.readl(0);
});
const r = await k.run();
console.log(`run ended: ${r.reason} after ${r.steps} steps at ${r.now} ns; decisions: [${k.decisions.join(',')}]`);
for (const rep of k.reports) console.log(formatReport(rep).split('\n').slice(0, 5).join('\n'));
console.log('\ntrace (last 8 events):');
for (const e of k.traceLog.slice(-8))
  console.log(`  ${String(e.t).padStart(8)} cpu${e.cpu} ${e.ctx.padEnd(18)} ${e.ev} ${e.detail}`);
