// Issue 5: readl through pci-emu's IoMem, as an edu driver reaches it (the
// handle is loaded from driver data, never a module constant), in a process
// that has already mapped, unmapped and unbound other BARs (dead prototypes
// exist), against a raw DataView on the same BAR memory measured in the same
// run. Rows: the runtime-checked form (readChecked32), the unchecked form
// (readl with a per-op offset the caller validated at map time), the handle
// after IoMem.validate (a constant register offset validated once), the core
// FencedView base class, and raw DataView.getUint32.
import { deviceReleaseDriver, FencedView, Kernel } from '@quiesce/core-devres';
import {
  EduDevice,
  pciAddDevice,
  pciIomap,
  pciIounmap,
  pcimEnableDevice,
  pcimIomapRegion,
  pciRegisterDriver,
  pciUnregisterDriver,
} from '@quiesce/pci-emu';
import { main, runSuite, sink } from '../lib/harness.mjs';

const OPS = 4096;

/** Register-file offsets (edu BAR0, first 4 KiB), varied per op so nothing is hoisted. */
const offsets = new Uint32Array(OPS);
for (let i = 0; i < OPS; i++) offsets[i] = ((i * 7) & 1023) << 2;

/** A process that has mapped and unmapped BARs and bound/unbound a pcim driver. */
async function churn(k) {
  const pdev = await k.exec('plug', () => pciAddDevice(k, new EduDevice()));
  for (let i = 0; i < 4; i++) {
    const io = pciIomap(pdev, 0, 0);
    io.readl(0);
    pciIounmap(pdev, io);
  }
  const drv = {
    name: 'old-edu',
    owner: null,
    idTable: [{ vendor: 0x1234, device: 0x11e8 }],
    async probe(p) {
      pcimEnableDevice(p);
      p.driverData = { io: pcimIomapRegion(p, 0, 'old-edu') };
    },
  };
  await k.exec('reg', () => pciRegisterDriver(k, drv));
  await k.exec('unbind', () => deviceReleaseDriver(pdev));
  await k.exec('unreg', () => pciUnregisterDriver(k, drv));
}

export async function setup(n = 3) {
  const k = new Kernel({ sanitizer: 'off', trace: false });
  await churn(k);
  const drv = {
    name: 'edu',
    owner: null,
    idTable: [{ vendor: 0x1234, device: 0x11e8 }],
    async probe(p) {
      pcimEnableDevice(p);
      const io = pcimIomapRegion(p, 0, 'edu');
      const buf = p.resources[0].buffer;
      // Fill the first 4 KiB of the register file with varied data (device-side store).
      const words = new Uint32Array(buf, 0, 1024);
      for (let i = 0; i < words.length; i++) words[i] = (i * 2654435761) >>> 0;
      p.driverData = {
        io,
        reg: io.validate(0x04, 4),
        fenced: new FencedView(k, 'edu BAR0 (core)', new DataView(buf)),
        view: new DataView(buf),
      };
    },
  };
  await k.exec('reg', () => pciRegisterDriver(k, drv));
  const devs = [];
  for (let i = 0; i < n; i++) devs.push(await k.exec('plug', () => pciAddDevice(k, new EduDevice())));
  return { k, devs };
}

export async function suite() {
  const { devs } = await setup();
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
      name: 'IoMem.readl (unchecked)',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += dev.driverData.io.readl(offsets[i]);
        sink.n += s;
      },
    },
    {
      name: 'IoMem.readl (validated token)',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) {
          const d = dev.driverData;
          s += d.io.readl(d.reg);
        }
        sink.n += s;
      },
    },
    {
      name: 'IoMem.readChecked32 (checked)',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += dev.driverData.io.readChecked32(offsets[i]);
        sink.n += s;
      },
    },
    {
      name: 'core FencedView.readl',
      ops: OPS,
      fn: () => {
        const dev = next();
        let s = 0;
        for (let i = 0; i < OPS; i++) s += dev.driverData.fenced.readl(offsets[i]);
        sink.n += s;
      },
    },
  ];
  return runSuite('MMIO readl through pci-emu IoMem', tasks, { rounds: 3 });
}

export default async function () {
  return suite();
}

await main(import.meta.url, suite);
