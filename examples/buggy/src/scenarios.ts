/**
 * The edu worlds as named explorer scenarios, importable from the built
 * module (`examples/buggy/dist/scenarios.js`) by worker threads and by the
 * `quiesce-explore` CLI:
 *
 *   quiesce-explore examples/buggy/dist/scenarios.js --export bug04 --strategy random
 *
 * One export per buggy variant of docs/design.md §6 (`bug01` … `bug10`), one per
 * correct discipline (`fenced`, `revocable`, `kernel`, `devresAccess`,
 * `srcuDevice`, `cRevocable`: unbind while users hammer /dev/edu), the same
 * six with a harder teardown mix (`fencedMix`, … : rebind, then unload and
 * reload the module while users keep their files open), and the tiny world the bounded exhaustive search
 * can cover completely (`fencedTiny`, and the buggy variant of the same size,
 * `bug09Tiny`).
 */
import { type EduScenario, type EduScenarioOptions, eduScenario, type Teardown } from '@quiesce/edu-driver';
import { bug01 as v01 } from './bug01-work-after-remove.js';
import { bug02 as v02 } from './bug02-timer-after-remove.js';
import { bug03 as v03 } from './bug03-timer-after-unload.js';
import { bug04 as v04 } from './bug04-self-requeue-nosync.js';
import { bug05 as v05 } from './bug05-cancel-order.js';
import { bug06 as v06 } from './bug06-irq-after-unmap.js';
import { bug07 as v07 } from './bug07-fops-no-owner.js';
import { bug08 as v08 } from './bug08-deregister-inflight.js';
import { bug09 as v09 } from './bug09-devres-order.js';
import { bug10 as v10 } from './bug10-revocable-eaf.js';
import { variantScenario } from './variant.js';

export const bug01: EduScenario = variantScenario(v01);
export const bug02: EduScenario = variantScenario(v02);
export const bug03: EduScenario = variantScenario(v03);
export const bug04: EduScenario = variantScenario(v04);
export const bug05: EduScenario = variantScenario(v05);
export const bug06: EduScenario = variantScenario(v06);
export const bug07: EduScenario = variantScenario(v07);
export const bug08: EduScenario = variantScenario(v08);
export const bug09: EduScenario = variantScenario(v09);
export const bug10: EduScenario = variantScenario(v10);

/** The correct disciplines, as the explorer's acceptance runs them. */
export type CorrectDiscipline = 'fenced' | 'revocable' | 'kernel' | 'devres-access' | 'srcu-device' | 'c-revocable';

/** Teardown mixes the correct disciplines are explored under. */
export const TEARDOWN_MIXES: Readonly<Record<'unbind' | 'mix', readonly Teardown[]>> = {
  /** Unbind in the middle of the users' ioctls. */
  unbind: ['unbind'],
  /** Unbind and bind again, then unload the module and load it again. */
  mix: ['rebind', 'reload'],
};

/** A correct world: `discipline`, torn down by `mix`, users keep their files open under the mix. */
export function correctScenario(
  discipline: CorrectDiscipline,
  mix: keyof typeof TEARDOWN_MIXES = 'unbind',
): EduScenario {
  const o: EduScenarioOptions = {
    discipline,
    teardown: TEARDOWN_MIXES[mix],
    ...(mix === 'mix' ? { persistentUsers: true } : {}),
  };
  return eduScenario(mix === 'unbind' ? `edu-${discipline}` : `edu-${discipline}-${mix}`, o, 'clean');
}

export const fenced: EduScenario = correctScenario('fenced');
export const revocable: EduScenario = correctScenario('revocable');
export const kernel: EduScenario = correctScenario('kernel');
export const fencedMix: EduScenario = correctScenario('fenced', 'mix');
export const revocableMix: EduScenario = correctScenario('revocable', 'mix');
export const kernelMix: EduScenario = correctScenario('kernel', 'mix');
export const devresAccess: EduScenario = correctScenario('devres-access');
export const srcuDevice: EduScenario = correctScenario('srcu-device');
export const cRevocable: EduScenario = correctScenario('c-revocable');
export const devresAccessMix: EduScenario = correctScenario('devres-access', 'mix');
export const srcuDeviceMix: EduScenario = correctScenario('srcu-device', 'mix');
export const cRevocableMix: EduScenario = correctScenario('c-revocable', 'mix');

/**
 * The configuration the bounded exhaustive search covers completely: one
 * user running one round of ioctls (READ_ID, FACT, FACT_RESULT, DMA,
 * DMA_DONE), unbind at 2 ms in the middle of it while the poll timer, the
 * device's interrupts and the completion work are live, 4 ms of virtual
 * time. A fifo run takes 8 scheduling decisions; within
 * {@link TINY_BOUND} = 2 preemptions the tree has 2,274 schedules (72 with
 * none, 573 within 1, 6,480 within 3).
 */
export const TINY_WORLD: Readonly<Omit<EduScenarioOptions, 'discipline'>> = {
  users: 1,
  rounds: 1,
  teardown: ['unbind'],
  teardownAtNs: 2_000_000,
  runForNs: 4_000_000,
};

/** Preemption bound of the exhaustive proof over {@link TINY_WORLD}. */
export const TINY_BOUND = 2;

/** The correct fenced driver in {@link TINY_WORLD}. */
export const fencedTiny: EduScenario = eduScenario('edu-fenced-tiny', { discipline: 'fenced', ...TINY_WORLD }, 'clean');

/** Bug 9 (fenced driver, lifo unbind, work acquired before the mapping) in the same tiny world. */
export const bug09Tiny: EduScenario = eduScenario(
  'bug09-devres-order-tiny',
  { ...v09.world, ...TINY_WORLD },
  v09.expect,
);
