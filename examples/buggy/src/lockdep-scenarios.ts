/**
 * Every scenario of `scenarios.ts` with lockdep switched on
 * (`kernel.lockdep: true`), for `benchmarks/explore-acceptance.mjs --lockdep`
 * and the CLI (`quiesce-explore examples/buggy/dist/lockdep-scenarios.js
 * --export fenced`): the bugs must still be found and the correct
 * disciplines must stay clean with the lock validator watching.
 */
import type { EduScenario } from '@quiesce/edu-driver';
import * as S from './scenarios.js';

/** `sc` with lockdep on. */
export function withLockdep(sc: EduScenario): EduScenario {
  return { ...sc, name: `${sc.name}+lockdep`, kernel: { ...sc.kernel, lockdep: true } };
}

export const bug01: EduScenario = withLockdep(S.bug01);
export const bug02: EduScenario = withLockdep(S.bug02);
export const bug03: EduScenario = withLockdep(S.bug03);
export const bug04: EduScenario = withLockdep(S.bug04);
export const bug05: EduScenario = withLockdep(S.bug05);
export const bug06: EduScenario = withLockdep(S.bug06);
export const bug07: EduScenario = withLockdep(S.bug07);
export const bug08: EduScenario = withLockdep(S.bug08);
export const bug09: EduScenario = withLockdep(S.bug09);
export const bug10: EduScenario = withLockdep(S.bug10);
export const fenced: EduScenario = withLockdep(S.fenced);
export const revocable: EduScenario = withLockdep(S.revocable);
export const kernel: EduScenario = withLockdep(S.kernel);
export const fencedMix: EduScenario = withLockdep(S.fencedMix);
export const revocableMix: EduScenario = withLockdep(S.revocableMix);
export const kernelMix: EduScenario = withLockdep(S.kernelMix);
export const devresAccess: EduScenario = withLockdep(S.devresAccess);
export const srcuDevice: EduScenario = withLockdep(S.srcuDevice);
export const cRevocable: EduScenario = withLockdep(S.cRevocable);
export const devresAccessMix: EduScenario = withLockdep(S.devresAccessMix);
export const srcuDeviceMix: EduScenario = withLockdep(S.srcuDeviceMix);
export const cRevocableMix: EduScenario = withLockdep(S.cRevocableMix);
export const fencedTiny: EduScenario = withLockdep(S.fencedTiny);
export const bug09Tiny: EduScenario = withLockdep(S.bug09Tiny);
export { TINY_BOUND } from './scenarios.js';
