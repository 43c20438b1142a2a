/**
 * The QEMU edu driver in six disciplines (kernel-C, fenced, devres-access,
 * revocable, srcu-device, c-revocable; docs/disciplines.md), the
 * knobs that make the buggy variants, and the scenarios that exercise them.
 */

export { cRevocableDriver } from './c-revocable.js';
export { claimText, EDU_ID_TABLE } from './common.js';
export { devresAccessDriver } from './devres-access.js';
export { DISCIPLINES, type DisciplineInfo, disciplineInfo } from './disciplines.js';
export { fencedDriver } from './fenced.js';
export { kernelCDriver } from './kernel-c.js';
export { eduIoctlWith, eduIrqWith, eduPollWith, eduWorkWith } from './logic.js';
export { EDU_STATS_PERIOD_NS, type EduModuleState, eduModule } from './module.js';
export {
  CANCEL_ORDER_REMOVE,
  CAREFUL_REMOVE,
  devmOrder,
  type EduOptions,
  FENCED_ORDER,
  type FencedStep,
  IRQ_AFTER_UNMAP_REMOVE,
  type Mistake,
  type RemoveStep,
} from './options.js';
export type { Discipline, EduPriv } from './priv.js';
export { revocableDriver } from './revocable.js';
export {
  type EduScenario,
  type EduScenarioOptions,
  type EduWorld,
  eduScenario,
  setupEduWorld,
  type Teardown,
} from './scenario.js';
export { srcuDeviceDriver } from './srcu-device.js';
export * from './uapi.js';
