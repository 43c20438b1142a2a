/**
 * The QEMU edu driver in three disciplines (fenced, revocable, kernel-C), the
 * knobs that make the buggy variants, and the scenarios that exercise them.
 */
export { claimText, EDU_ID_TABLE } from './common.js';
export { fencedDriver } from './fenced.js';
export { kernelCDriver } from './kernel-c.js';
export { eduIoctlWith, eduIrqWith, eduPollWith, eduWorkWith } from './logic.js';
export { EDU_STATS_PERIOD_NS, type EduModuleState, eduModule } from './module.js';
export { CAREFUL_REMOVE, type EduOptions, FENCED_ORDER, type FencedStep, type RemoveStep } from './options.js';
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
export * from './uapi.js';
