// A short tour of the runtime (`npx -y pnpm@10.34.8 demo`, against the built
// packages): bind a device whose driver maps its BAR as a fenced handle, unbind
// it from another task, then read through the handle the task kept. The read
// after unbind is the bug the sanitizer exists for: a use-after-remove.
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

// Two CPUs, a seeded random scheduler: the run is the same every time.
const k = new Kernel({ cpus: 2, seed: 7, strategy: 'random' });
const bus = new BusType(k, 'demo');
const dev = new Device(k, 'edu', bus);
const bar = new DataView(new ArrayBuffer(0x100));
bar.setUint32(0, 0x010000ed, true); // QEMU edu's identification register

const driver = {
  name: 'edu-demo',
  owner: null,
  async probe(d) {
    const io = new FencedView(k, 'edu BAR0', bar);
    // devm-style: unmapped at unbind, after which the handle is dead.
    devresAdd(d, { name: 'iomap BAR0', release: () => io.release() });
    d.driverData = { io };
  },
};

let stale;
k.spawn('probe', async () => {
  await deviceBind(dev, driver);
  stale = dev.driverData.io; // a task keeps the handle past the binding
  console.log(`1. bound: id register = 0x${stale.readl(0).toString(16).padStart(8, '0')}`);
});
k.spawn('user', async () => {
  await msleep(k, 1);
  await deviceReleaseDriver(dev);
  console.log(`2. unbound at ${k.now} ns: devres unmapped BAR0`);
  k.trace('demo', 'readl(BAR0 + 0) through the stale handle');
  const v = stale.readl(0); // the bad read
  // All ones, as a read from a PCI device that is gone returns; the report below says why.
  console.log(`3. the bad read: readl(BAR0 + 0) after unbind returned 0x${v.toString(16).padStart(8, '0')}`);
});

const r = await k.run();
console.log(`\nrun ended: ${r.reason} after ${r.steps} steps at ${r.now} ns`);
const picks = k.decisions.map((d, i) => `candidate ${d} of ${k.decisionWidths[i]}`).join(', ');
// k.decisions: one entry per point where more than one task or due interrupt
// was ready, the index (from 0) of the one the scheduler ran.
console.log(
  `decisions: [${k.decisions.join(', ')}]: ${k.decisions.length} scheduling point(s) had more than one ` +
    `candidate ready; the seeded scheduler took ${picks} (indices from 0). ` +
    `new Kernel({ replay: [${k.decisions.join(', ')}] }) replays this interleaving exactly.`,
);

console.log(`\nthe sanitizer's report (${k.reports.length}):`);
for (const rep of k.reports) console.log(formatReport(rep));

console.log('\ntrace (last 8 events: the unbind, then the bad read):');
for (const e of k.traceLog.slice(-8))
  console.log(`  ${String(e.t).padStart(8)} cpu${e.cpu} ${e.ctx.padEnd(18)} ${e.ev} ${e.detail}`);
