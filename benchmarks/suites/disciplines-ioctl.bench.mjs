// Issue 11, hot path 4: an ioctl round trip through a /dev/edu-like misc
// device whose unlocked_ioctl reads an edu BAR register, in the six
// disciplines. Each bound edu device registers one misc device per
// discipline in probe (its file's private data is the misc device, which
// points back at the PCI device: the ioctl reaches BAR0 through driver
// data). All ioctls of one sample run inside one kernel task, alternating
// between the two devices' files. The fenced row uses the fenced misc mode
// (devmMiscRegister: the VFS counts in-flight operations so deregister can
// wait for them, and the driver checks nothing); the other rows use the
// kernel's plain misc mode, as the revocable edu driver does, plus their
// check in the driver. Ratios are to the raw row (plain mode, no check).
import { drmDevEnter, drmDevExit, revocableTryAccess, revocableWithdrawAccess } from '@quiesce/core-devres';
import {
  devmMiscRegister,
  MISC_DYNAMIC_MINOR,
  miscRegister,
  O_RDWR,
  open,
  revocableReplaceFops,
} from '@quiesce/miscdev';
import { bindBenchDriver, churnedKernel, READ_REGS } from '../lib/edu-world.mjs';
import { main, quick, runSuite, sink } from '../lib/harness.mjs';

const INNER = 1000;
const CMD = 0x4500; // _IO('E', 0): EDU_IOC_READ_ID's shape
let tick = 0;

/** One unlocked_ioctl per discipline (distinct functions: no shared call site between rows). */
const ioctls = {
  raw: async (f) => f.privateData.pdev.driverData.view.getUint32(READ_REGS[tick++ & 3], true) & 0x7fff_ffff,
  fenced: async (f) => f.privateData.pdev.driverData.io.readl(READ_REGS[tick++ & 3]) & 0x7fff_ffff,
  access: async (f) => {
    const d = f.privateData.pdev.driverData;
    return d.devres.access(d.bound).readl(READ_REGS[tick++ & 3]) & 0x7fff_ffff;
  },
  tryAccess: async (f) => {
    const bar = f.privateData.pdev.driverData.devres.tryAccess();
    if (bar === null) return -19; // -ENODEV
    return bar.readl(READ_REGS[tick++ & 3]) & 0x7fff_ffff;
  },
  srcu: async (f) => {
    const d = f.privateData.pdev.driverData;
    const idx = drmDevEnter(d.ddev);
    if (idx < 0) return -19; // -ENODEV
    try {
      return d.io.readl(READ_REGS[tick++ & 3]) & 0x7fff_ffff;
    } finally {
      drmDevExit(d.ddev, idx);
    }
  },
  crev: async (f) => {
    const rev = f.privateData.pdev.driverData.rev;
    const bar = revocableTryAccess(rev);
    try {
      return bar === null ? -19 : bar.readl(READ_REGS[tick++ & 3]) & 0x7fff_ffff;
    } finally {
      revocableWithdrawAccess(rev);
    }
  },
  // The driver checks nothing: its open() replaced the file's fops, so the VFS call goes through the provider.
  crevFops: async (f) => f.privateData.pdev.driverData.io.readl(READ_REGS[tick++ & 3]) & 0x7fff_ffff,
  guard: async (f) => {
    const g = f.privateData.pdev.driverData.devres.tryAccessWithGuard();
    if (g === null) return -19;
    const v = g.value.readl(READ_REGS[tick++ & 3]) & 0x7fff_ffff;
    g.release();
    return v;
  },
  proxy: async (f) => f.privateData.pdev.driverData.proxy.readl(READ_REGS[tick++ & 3]) & 0x7fff_ffff,
};

export async function suite() {
  const { k, pdevs: old } = await churnedKernel();
  const { pdevs } = await bindBenchDriver(k, old, {
    nDevs: 2,
    async extra(pdev, priv) {
      priv.misc = {};
      for (const [kind, fn] of Object.entries(ioctls)) {
        const misc = {
          minor: MISC_DYNAMIC_MINOR,
          name: `edub${priv.index}${kind}`,
          fops:
            kind === 'crevFops'
              ? {
                  owner: null,
                  unlockedIoctl: fn,
                  async open(file) {
                    revocableReplaceFops(file, priv.rev.rp);
                  },
                }
              : { owner: null, unlockedIoctl: fn },
          pdev,
        };
        if (kind === 'fenced') await devmMiscRegister(pdev, misc);
        else await miscRegister(k, { ...misc, mode: 'kernel' });
        priv.misc[kind] = misc.name;
      }
    },
  });
  const files = {};
  await k.exec('open', async () => {
    // One kernel await at a time: a task never runs two kernel calls in parallel.
    for (const kind of Object.keys(ioctls)) {
      files[kind] = [];
      for (const p of pdevs) files[kind].push(await open(k, `/dev/${p.driverData.misc[kind]}`, O_RDWR));
    }
  });
  const row = (name, kind, baseline = false) => {
    const [a, b] = files[kind];
    return {
      name,
      ops: INNER,
      baseline,
      // Declared async: tinybench probes a non-async function by calling it once unawaited.
      fn: async () => {
        await k.exec('ioctl loop', async () => {
          let s = 0;
          for (let i = 0; i < INNER; i += 2) s += (await a.ioctl(CMD, i)) + (await b.ioctl(CMD, i));
          sink.n += s;
        });
      },
    };
  };
  const tasks = [
    row('raw ioctl: plain misc, DataView read (the limit)', 'raw', true),
    row('fenced: fenced misc, IoMem.readl', 'fenced'),
    row('Devres.access(bound).readl', 'access'),
    row('revocable tryAccess() per ioctl', 'tryAccess'),
    row('srcu-device drm_dev_enter/exit per ioctl', 'srcu'),
    row('c-revocable try_access/withdraw per ioctl', 'crev'),
    row('c-revocable revocable_replace_fops (VFS-side)', 'crevFops'),
    row('revocable guard per ioctl', 'guard'),
    row('Proxy.revocable readl', 'proxy'),
  ];
  const before = tick;
  const out = await runSuite('Hot path: ioctl round trip reading an edu register', tasks, {
    rounds: 3,
    timeMs: quick ? 20 : 250,
  });
  if (tick === before) throw new Error('no ioctl ran');
  return out;
}

export default suite;

await main(import.meta.url, suite);
