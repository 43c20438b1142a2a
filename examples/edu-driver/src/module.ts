/**
 * The edu module: `module_init` registers the PCI driver of the chosen
 * discipline and arms the module's own statistics timer; `module_exit`
 * cancels that timer and unregisters the driver (which unbinds every device).
 */
import {
  CLOCK_MONOTONIC,
  HRTIMER_MODE_REL,
  HRTIMER_RESTART,
  HrTimer,
  hrtimerCancel,
  hrtimerForwardNow,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { defineModule, type Module, type ModuleDefinition } from '@quiesce/module-loader';
import { type PciDriver, pciRegisterDriver, pciUnregisterDriver } from '@quiesce/pci-emu';
import { cRevocableDriver } from './c-revocable.js';
import { devresAccessDriver } from './devres-access.js';
import { fencedDriver } from './fenced.js';
import { kernelCDriver } from './kernel-c.js';
import type { EduOptions } from './options.js';
import type { Discipline } from './priv.js';
import { revocableDriver } from './revocable.js';
import { srcuDeviceDriver } from './srcu-device.js';

const DRIVERS: Readonly<Record<Discipline, (mod: Module, opts: EduOptions) => PciDriver>> = {
  fenced: fencedDriver,
  'devres-access': devresAccessDriver,
  revocable: revocableDriver,
  'srcu-device': srcuDeviceDriver,
  'c-revocable': cRevocableDriver,
  kernel: kernelCDriver,
};

/** Period of the module-wide statistics timer. */
export const EDU_STATS_PERIOD_NS = 5_000_000;

export interface EduModuleState {
  driver: PciDriver | null;
  stats: HrTimer | null;
  statsTicks: number;
}

/** Builds the module definition of the edu driver in `discipline`. */
export function eduModule(
  discipline: Discipline,
  opts: EduOptions = {},
): { def: ModuleDefinition; state: EduModuleState } {
  const state: EduModuleState = { driver: null, stats: null, statsTicks: 0 };
  const makeDriver = (mod: Module): PciDriver => DRIVERS[discipline](mod, opts);
  const def = defineModule({
    name: opts.name ?? 'edu',
    async init(mod: Module) {
      const k = mod.kernel;
      state.stats = hrtimerSetup(
        k,
        new HrTimer(),
        function eduStatsTick(t: HrTimer) {
          state.statsTicks++;
          hrtimerForwardNow(t, EDU_STATS_PERIOD_NS);
          return HRTIMER_RESTART;
        },
        CLOCK_MONOTONIC,
        HRTIMER_MODE_REL,
        mod,
      );
      hrtimerStart(state.stats, EDU_STATS_PERIOD_NS, HRTIMER_MODE_REL);
      state.driver = makeDriver(mod);
      await pciRegisterDriver(k, state.driver);
    },
    async exit(mod: Module) {
      if (state.driver !== null) await pciUnregisterDriver(mod.kernel, state.driver);
      if (opts.moduleTimer !== 'leaked' && state.stats !== null) await hrtimerCancel(state.stats);
    },
  });
  return { def, state };
}
