/**
 * Worlds for the integration tests and the explorer: load the edu module,
 * plug in an edu device, let user tasks hammer `/dev/edu` while the timer
 * polls and interrupts fire, and tear down (unbind, rebind, unload, reload,
 * surprise removal) in the middle of it.
 */
import {
  type Driver,
  deviceBind,
  deviceReleaseDriver,
  isKernelError,
  type Kernel,
  type KernelOptions,
  msleep,
  type ReportKind,
} from '@quiesce/core-devres';
import { O_RDWR, open } from '@quiesce/miscdev';
import { deleteModule, loadModule, type Module, O_NONBLOCK, O_TRUNC } from '@quiesce/module-loader';
import { EduDevice, type PciDev, pciAddDevice, pciSurpriseRemove } from '@quiesce/pci-emu';
import { type EduModuleState, eduModule } from './module.js';
import type { EduOptions } from './options.js';
import type { Discipline, EduPriv } from './priv.js';
import { EDU_IOC_DMA, EDU_IOC_DMA_DONE, EDU_IOC_FACT, EDU_IOC_FACT_RESULT, EDU_IOC_READ_ID } from './uapi.js';

export type Teardown = 'unbind' | 'rebind' | 'rmmod' | 'rmmod-force' | 'reload' | 'surprise';

export interface EduScenarioOptions {
  discipline: Discipline;
  options?: EduOptions;
  /** User tasks hammering /dev/edu (default 2). */
  users?: number;
  /** ioctl rounds per user (default 4). */
  rounds?: number;
  /** Users keep their file open and retry after ENODEV (a daemon holding its fd), instead of closing. */
  persistentUsers?: boolean;
  /** Teardown steps the admin task runs, in order (default ['unbind']). */
  teardown?: readonly Teardown[];
  /** When the admin task starts tearing down (default 2 ms). */
  teardownAtNs?: number;
  /** Virtual time the scenario runs (default 40 ms). */
  runForNs?: number;
}

/** What a test inspects after the run. */
export interface EduWorld {
  module: Module | null;
  pdev: PciDev | null;
  state: EduModuleState;
  /** Errors the users saw, by errno name (expected ones: ENODEV, EBUSY, …). */
  userErrors: Map<string, number>;
  /** ioctls that completed. */
  ioctls: number;
  /** Teardown steps that completed. */
  teardownDone: Teardown[];
  /** Driver data of the last binding. */
  priv: EduPriv | null;
}

/** errnos a user of a device that may vanish must expect. */
const EXPECTED = new Set(['ENODEV', 'ENOENT', 'EBUSY', 'ETIMEDOUT', 'EIO', 'EBADF']);

function note(world: EduWorld, e: unknown): string {
  if (!isKernelError(e) || !EXPECTED.has(e.code)) throw e;
  world.userErrors.set(e.code, (world.userErrors.get(e.code) ?? 0) + 1);
  return e.code;
}

async function userLoop(k: Kernel, world: EduWorld, who: number, rounds: number, persistent: boolean): Promise<void> {
  let file = null;
  for (let tries = 0; file === null && tries < 10; tries++) {
    try {
      file = await open(k, '/dev/edu', O_RDWR);
    } catch (e) {
      note(world, e);
      await msleep(k, 1);
    }
  }
  if (file === null) return;
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [cmd, arg] of [
        [EDU_IOC_READ_ID, 0],
        [EDU_IOC_FACT, 5 + who + r],
        [EDU_IOC_FACT_RESULT, 0],
        [EDU_IOC_DMA, 64],
        [EDU_IOC_DMA_DONE, 0],
      ] as const) {
        try {
          await file.ioctl(cmd, arg);
          world.ioctls++;
        } catch (e) {
          const code = note(world, e);
          if (!persistent && (code === 'ENODEV' || code === 'EIO' || code === 'EBADF')) return;
        }
      }
      await msleep(k, 1);
    }
  } finally {
    try {
      await file.close();
    } catch (e) {
      note(world, e);
    }
  }
}

async function rmmod(k: Kernel, name: string, force: boolean): Promise<void> {
  // Open files pin the module in the kernel discipline: retry like a shell loop would.
  for (let i = 0; i < 60; i++) {
    try {
      await deleteModule(k, name, force ? O_NONBLOCK | O_TRUNC : O_NONBLOCK);
      return;
    } catch (e) {
      if (!isKernelError(e, 'EWOULDBLOCK') && !isKernelError(e, 'EBUSY')) throw e;
      await msleep(k, 1);
    }
  }
}

async function admin(
  k: Kernel,
  world: EduWorld,
  o: EduScenarioOptions,
  def: ReturnType<typeof eduModule>['def'],
): Promise<void> {
  await msleep(k, (o.teardownAtNs ?? 2_000_000) / 1_000_000);
  const name = def.name;
  for (const step of o.teardown ?? ['unbind']) {
    const pdev = world.pdev;
    switch (step) {
      case 'unbind':
        if (pdev !== null) await deviceReleaseDriver(pdev);
        break;
      case 'rebind': {
        if (pdev === null) break;
        const drv = pdev.driver as Driver | null;
        await deviceReleaseDriver(pdev);
        if (drv !== null) {
          await msleep(k, 1);
          await deviceBind(pdev, drv);
          world.priv = pdev.driverData as EduPriv;
        }
        break;
      }
      case 'rmmod':
      case 'rmmod-force':
        await rmmod(k, name, step === 'rmmod-force');
        break;
      case 'reload':
        await rmmod(k, name, false);
        await msleep(k, 1);
        world.module = await loadModule(k, def);
        break;
      case 'surprise':
        if (pdev !== null) await k.join(pciSurpriseRemove(pdev));
        break;
    }
    world.teardownDone.push(step);
  }
}

/** Builds the world on `k` and spawns its tasks (insmod + device, users, admin). Context: outside the run. */
export function setupEduWorld(k: Kernel, o: EduScenarioOptions): EduWorld {
  const { def, state } = eduModule(o.discipline, o.options ?? {});
  const world: EduWorld = {
    module: null,
    pdev: null,
    state,
    userErrors: new Map(),
    ioctls: 0,
    teardownDone: [],
    priv: null,
  };
  k.spawn('insmod', async () => {
    world.module = await loadModule(k, def);
    world.pdev = await pciAddDevice(k, new EduDevice());
    world.priv = world.pdev.driverData as EduPriv;
  });
  for (let i = 0; i < (o.users ?? 2); i++)
    k.spawn(`user${i}`, () => userLoop(k, world, i, o.rounds ?? 4, o.persistentUsers ?? false));
  k.spawn('admin', () => admin(k, world, o, def));
  return world;
}

/** An explorer scenario (`@quiesce/explorer`'s Scenario shape) for the edu world. */
export interface EduScenario {
  name: string;
  runFor: number;
  kernel: Partial<KernelOptions>;
  expect?: 'clean' | ReportKind;
  setup(k: Kernel): void;
  /** The world of the last setup (for tests). */
  world: EduWorld | null;
}

export function eduScenario(name: string, o: EduScenarioOptions, expect?: 'clean' | ReportKind): EduScenario {
  const s: EduScenario = {
    name,
    runFor: o.runForNs ?? 40_000_000,
    kernel: { cpus: 2 },
    ...(expect !== undefined ? { expect } : {}),
    world: null,
    setup(k: Kernel) {
      s.world = setupEduWorld(k, o);
    },
  };
  return s;
}
