// The world every per-hot-path suite measures in: a kernel that has already
// loaded the real edu driver (examples/edu-driver) in the fenced and in the
// revocable discipline, bound it to edu devices, used /dev/edu, and unloaded
// it (so dead IoMem prototypes, revoked Devres, fenced misc devices and
// cancelled timers exist in this process), and then a bench driver bound to
// two or more emulated edu devices whose driver data holds BAR0 in every
// discipline side by side:
//
//   view    raw DataView on the BAR memory (the limit: what a C driver's readl is)
//   io      the fenced handle: pci-emu IoMem from pcimIomapRegion (a FencedView,
//           i.e. a DataView subclass whose prototype is swapped at release)
//   devres  Devres<IoMem>: access(bound) (proof of binding), tryAccess(),
//           tryAccessWithGuard() (Rust-for-Linux)
//   bound   the BoundDevice proof handed to probe()
//   ddev    a DRM-style device: drm_dev_enter/exit around the IoMem (srcu-device)
//   rev     a consumer of a C revocable provider holding the IoMem (c-revocable)
//   proxy   Proxy.revocable over a composition object holding the IoMem
//
// Hot paths always load the handle out of `pdev.driverData`, and suites
// rotate between devices, so no handle is a constant the JIT could fold.
import {
  Devres,
  deviceReleaseDriver,
  drmDevAlloc,
  Kernel,
  revocableAlloc,
  revocableProviderAlloc,
} from '@quiesce/core-devres';
import { EDU_IOC_READ_ID, eduModule } from '@quiesce/edu-driver';
import { O_RDWR, open } from '@quiesce/miscdev';
import { deleteModule, loadModule, O_NONBLOCK } from '@quiesce/module-loader';
import {
  EDU_DEVICE_ID,
  EDU_REG_FACT,
  EDU_REG_ID,
  EDU_REG_LIVENESS,
  EDU_REG_STATUS,
  EDU_VENDOR_ID,
  EduDevice,
  pciAddDevice,
  pcimEnableDevice,
  pcimIomapRegion,
  pciRegisterDriver,
} from '@quiesce/pci-emu';
import { sink } from './harness.mjs';

/**
 * Registers whose 4-byte read is a plain memory read in the edu model (its
 * read hook only takes 1-, 2- and 8-byte accesses): id, liveness, factorial,
 * status. Suites cycle through them so the offset is never a constant.
 */
export const READ_REGS = [EDU_REG_ID, EDU_REG_LIVENESS, EDU_REG_FACT, EDU_REG_STATUS];

/** `n` offsets cycling through {@link READ_REGS}, in an order with no short period. */
export function regOffsets(n) {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = READ_REGS[(i * 7 + (i >>> 3)) & 3];
  return a;
}

/**
 * Spawns `fn` as a task and runs the kernel in 1 ms slices until it exits
 * (periodic timers of a bound edu driver never let `run()` go idle).
 */
export async function execFor(k, name, fn, sliceNs = 1_000_000) {
  const t = k.spawn(name, fn);
  for (let i = 0; i < 100_000 && !t.exited; i++) await k.runFor(sliceNs);
  if (!t.exited) throw new Error(`${name}: did not finish`);
  return t.result();
}

/**
 * Loads the real edu driver in both disciplines, lets it bind an edu device
 * (one: the driver names its misc device after the module), use /dev/edu,
 * and unloads it. Returns the kernel and the (now unbound) device.
 */
export async function churnedKernel({ rounds = 2 } = {}) {
  const k = new Kernel({ trace: false, sanitizer: 'off', cpus: 2, maxSteps: 1e9 });
  const pdevs = [];
  for (let r = 0; r < rounds; r++) {
    for (const discipline of ['fenced', 'revocable']) {
      const name = `edu${r}${discipline[0]}`;
      const { def } = eduModule(discipline, { name });
      await execFor(k, `insmod ${name}`, async () => {
        await loadModule(k, def);
        if (pdevs.length === 0) pdevs.push(await pciAddDevice(k, new EduDevice()));
        for (const p of pdevs) if (p.driver === null) throw new Error(`churn: ${p} not bound to ${name}`);
        const f = await open(k, `/dev/${name}`, O_RDWR);
        sink.n += await f.ioctl(EDU_IOC_READ_ID, 0);
        await f.close();
      });
      await execFor(k, `rmmod ${name}`, () => deleteModule(k, name, O_NONBLOCK));
    }
  }
  if (pdevs.some((p) => p.driver !== null)) throw new Error('churn: a device is still bound');
  return { k, pdevs };
}

/**
 * Binds the bench driver to every unbound edu device (and plugs more until
 * there are `nDevs`); `extra(pdev, priv, bound)` may add per-suite fields
 * (timers, works, a misc device) during probe. Returns the bound devices.
 */
export async function bindBenchDriver(k, pdevs, { nDevs = 2, name = 'edu-bench', extra } = {}) {
  const drv = {
    name,
    owner: null,
    idTable: [{ vendor: EDU_VENDOR_ID, device: EDU_DEVICE_ID }],
    async probe(pdev, _id, bound) {
      pcimEnableDevice(pdev);
      const io = pcimIomapRegion(pdev, 0, name);
      const comp = {
        io,
        readl(off) {
          return this.io.readl(off);
        },
        writel(v, off) {
          this.io.writel(v, off);
        },
      };
      const priv = {
        pdev,
        index: pdevs.indexOf(pdev),
        view: new DataView(pdev.resources[0].buffer),
        io,
        devres: new Devres(pdev, io, `${name} BAR0`),
        bound,
        ddev: drmDevAlloc(pdev, name),
        rev: revocableAlloc(revocableProviderAlloc(k, io, `${name} BAR0`)),
        // Proxy.revocable cannot wrap the IoMem itself (DataView methods need
        // the real receiver): it wraps the composition a JS programmer writes.
        proxy: Proxy.revocable(comp, {}).proxy,
      };
      pdev.driverData = priv;
      if (extra) await extra(pdev, priv, bound);
    },
  };
  await k.exec('register bench driver', () => pciRegisterDriver(k, drv));
  while (pdevs.length < nDevs) pdevs.push(await k.exec('plug', () => pciAddDevice(k, new EduDevice())));
  const bound = pdevs.filter((p) => p.driver !== null && p.driverData?.io !== undefined);
  if (bound.length < nDevs) throw new Error(`bench driver bound ${bound.length} of ${nDevs} devices`);
  return { drv, pdevs: bound };
}

/** Unbinds every device (used by suites that check nothing leaked). */
export async function unbindAll(k, pdevs) {
  for (const p of pdevs) await k.exec('unbind', () => deviceReleaseDriver(p));
}
