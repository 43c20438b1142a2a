// ioctl round-trip cost through the three misc deregister disciplines.
//
// Each ioctl reads one 32-bit register through a FencedView (the BAR). Rows:
//   raw driver call  - the driver's unlocked_ioctl called directly (no VFS): the baseline
//   kernel           - VFS dispatch, no fence (the kernel's misc device)
//   fenced           - VFS dispatch + in-flight counter; fops swapped at deregister
//   revocable        - VFS dispatch + Revocable.tryAccess() in the driver
// All ioctls of one sample run inside one kernel task (k.exec), INNER at a
// time, so tinybench's per-call overhead and the task spawn are amortised.
// Before measuring, a fenced device has been deregistered and a FencedView
// released in this process (the state a real system is in).
//
// Run alone: node benchmarks/suites/miscdev.bench.mjs [--quick]
import { FencedView, Kernel } from '@quiesce/core-devres';
import { fileRevocable, MISC_DYNAMIC_MINOR, miscDeregister, miscRegister, open } from '@quiesce/miscdev';

const QUICK = process.argv.includes('--quick');
const INNER = 5000;
const CMD = 0x4004_6501;

let sink = 0;

function makeBar(k, name) {
  const buf = new ArrayBuffer(4096);
  new DataView(buf).setUint32(0, 0x1234_5678, true);
  return new FencedView(k, name, new DataView(buf));
}

/** The driver's ioctl for kernel and fenced modes: no check of its own. */
const plainFops = {
  owner: null,
  async open(f) {
    f.privateData = { bar: f.privateData.bar };
  },
  async unlockedIoctl(f, cmd) {
    if (cmd !== CMD) return -25;
    return f.privateData.bar.readl(0);
  },
};

/** The revocable driver: tryAccess() on every call, -ENODEV when revoked. */
const revocableFops = {
  owner: null,
  async open(f) {
    f.privateData = { bar: f.privateData.bar };
  },
  async unlockedIoctl(f, cmd) {
    if (cmd !== CMD) return -25;
    const s = fileRevocable(f).tryAccess();
    if (s === null) return -19;
    return s.bar.readl(0);
  },
};

async function setup() {
  const k = new Kernel({ trace: false, sanitizer: 'off' });
  const handles = {};
  await k.exec('setup', async () => {
    // A device that has come and gone: fenced deregister, BAR released.
    const oldBar = makeBar(k, 'old BAR');
    const old = { minor: MISC_DYNAMIC_MINOR, name: 'old', fops: plainFops, mode: 'fenced', bar: oldBar };
    await miscRegister(k, old);
    const oh = await open(k, '/dev/old');
    sink += await oh.ioctl(CMD);
    await miscDeregister(old);
    oldBar.release();
    await oh.ioctl(CMD).catch(() => undefined);
    await oh.close();

    for (const mode of ['kernel', 'fenced', 'revocable']) {
      const bar = makeBar(k, `${mode} BAR`);
      const fops = mode === 'revocable' ? revocableFops : plainFops;
      await miscRegister(k, { minor: MISC_DYNAMIC_MINOR, name: mode, fops, mode, bar });
      handles[mode] = await open(k, `/dev/${mode}`);
    }
  });
  return { k, handles };
}

export default async function miscdevSuite(Bench) {
  const { k, handles } = await setup();
  const rawFile = handles.kernel.file;
  const rawIoctl = plainFops.unlockedIoctl;
  const bench = new Bench({
    name: 'miscdev ioctl round trip',
    time: QUICK ? 20 : 1500,
    warmupTime: QUICK ? 10 : 300,
    retainSamples: true,
  });
  bench.add('raw driver call (baseline)', async () => {
    await k.exec('bench', async () => {
      let s = 0;
      for (let i = 0; i < INNER; i++) s += await rawIoctl(rawFile, CMD, 0);
      sink += s;
    });
  });
  for (const mode of ['kernel', 'fenced', 'revocable']) {
    const h = handles[mode];
    bench.add(`${mode} ioctl`, async () => {
      await k.exec('bench', async () => {
        let s = 0;
        for (let i = 0; i < INNER; i++) s += await h.ioctl(CMD, 0);
        sink += s;
      });
    });
  }
  await bench.run();
  bench.opsPerCall = INNER;
  return bench;
}

/** Rows: ns/op (mean and median), rme %, p75-p25 ns/op, samples, ratio of means to the baseline. */
export function rows(bench) {
  const per = bench.opsPerCall ?? INNER;
  const out = bench.tasks.map((t) => {
    const l = t.result.latency;
    const sorted = l.samples ?? [];
    const p25 = sorted[Math.floor(sorted.length * 0.25)] ?? Number.NaN;
    return {
      name: t.name,
      nsPerOp: (l.mean * 1e6) / per,
      p50NsPerOp: (l.p50 * 1e6) / per,
      rmePct: l.rme,
      iqrNsPerOp: ((l.p75 - p25) * 1e6) / per,
      samples: l.samplesCount,
    };
  });
  const base = out[0]?.nsPerOp ?? Number.NaN;
  return out.map((r) => ({ ...r, ratio: r.nsPerOp / base }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { Bench } = await import('tinybench');
  const bench = await miscdevSuite(Bench);
  console.log(`miscdev ioctl round trip (${INNER} ioctls per sample${QUICK ? ', --quick' : ''})`);
  console.table(
    rows(bench).map((r) => ({
      task: r.name,
      'ns/op': r.nsPerOp.toFixed(1),
      'p50 ns/op': r.p50NsPerOp.toFixed(1),
      'rme %': `±${r.rmePct.toFixed(2)}`,
      'p75-p25 ns/op': r.iqrNsPerOp.toFixed(1),
      samples: r.samples,
      'x baseline': r.ratio.toFixed(2),
    })),
  );
  if (sink === 0.5) console.log(sink);
}
