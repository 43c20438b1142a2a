/**
 * The bug × discipline matrix (docs/disciplines.md): each catalogue bug of
 * docs/design.md §6 is a driver author's mistake; a cell is that mistake written
 * in one discipline, in the world the catalogue exposes it in (same users,
 * rounds, teardown), or the reason it cannot be written there.
 */
import {
  DISCIPLINES,
  type EduOptions,
  type EduScenario,
  type EduScenarioOptions,
  eduScenario,
  type Teardown,
} from '@quiesce/edu-driver';
import { bug01 } from '../bug01-work-after-remove.js';
import { bug02 } from '../bug02-timer-after-remove.js';
import { bug03 } from '../bug03-timer-after-unload.js';
import { bug04 } from '../bug04-self-requeue-nosync.js';
import { bug05 } from '../bug05-cancel-order.js';
import { bug06 } from '../bug06-irq-after-unmap.js';
import { bug07 } from '../bug07-fops-no-owner.js';
import { bug08 } from '../bug08-deregister-inflight.js';
import { bug09 } from '../bug09-devres-order.js';
import { bug10 } from '../bug10-revocable-eaf.js';

const BUGGY = [bug01, bug02, bug03, bug04, bug05, bug06, bug07, bug08, bug09, bug10];

/** The report ids of the six disciplines, in the matrix's column order. */
export const MATRIX_DISCIPLINES: readonly string[] = DISCIPLINES.map((d) => d.id);

/** The mistake of each bug, as discipline-neutral options. */
const MISTAKES: Readonly<Record<number, { mistake: string; options: EduOptions }>> = {
  1: { mistake: 'nothing stops the completion work at unbind', options: { mistake: 'work-not-stopped' } },
  2: { mistake: 'nothing stops the poll timer at unbind', options: { mistake: 'timer-not-stopped' } },
  3: { mistake: "module_exit() forgets the module's own statistics timer", options: { moduleTimer: 'leaked' } },
  4: { mistake: 'the self-requeueing work is cancelled without waiting', options: { mistake: 'work-cancel-nosync' } },
  5: {
    mistake: 'the work is stopped before the timer that queues it',
    options: { mistake: 'work-cancelled-before-timer' },
  },
  6: { mistake: 'the IRQ is set up before (torn down after) the mapping', options: { mistake: 'irq-before-map' } },
  7: { mistake: 'the file operations name no owner (.owner missing)', options: { fopsOwner: 'none' } },
  8: { mistake: 'nothing makes unbind wait for an ioctl in flight', options: { mistake: 'ioctl-unguarded' } },
  9: {
    mistake: "what stops the work is registered before the mapping, torn down by the kernel's single LIFO pass",
    options: { mistake: 'work-before-map', unbindMode: 'lifo' },
  },
  10: {
    mistake: 'the poll timer is left armed past unbind, then the module is unloaded',
    options: { mistake: 'timer-not-stopped' },
  },
};

/** Cells whose mistake has no form in the discipline, with the reason. */
const NOT_EXPRESSIBLE: Readonly<Record<string, string>> = {
  '9 kernel-c':
    "a kernel-C driver registers nothing on devres: its teardown order is remove()'s own, which bugs 5 and 6 already cover",
};

export interface MatrixCellSpec {
  bug: number;
  discipline: string;
  /** The mistake, as the author makes it. */
  mistake: string;
  /** The world, or null when not expressible. */
  scenario: EduScenario | null;
  /** The teardown steps of the world (the catalogue's, unless the caller gave others). */
  teardown: readonly Teardown[];
  notExpressible?: string;
}

/**
 * The cell of `bug` (1..10) in discipline `id`, torn down by `teardown`
 * (default: the catalogue world's own steps; the playground offers others,
 * examples/buggy/src/playground.ts). The name gains the steps when they
 * differ from the catalogue's. Errors: a TypeError for an unknown bug or discipline.
 */
export function matrixCell(bug: number, id: string, teardown?: readonly Teardown[]): MatrixCellSpec {
  const m = MISTAKES[bug];
  const d = DISCIPLINES.find((x) => x.id === id);
  const variant = BUGGY[bug - 1];
  if (m === undefined || variant === undefined) throw new TypeError(`matrixCell: unknown bug ${bug}`);
  if (d === undefined) throw new TypeError(`matrixCell: unknown discipline '${id}'`);
  const own = variant.world.teardown ?? ['unbind'];
  const steps = teardown ?? own;
  const why = NOT_EXPRESSIBLE[`${bug} ${id}`];
  if (why !== undefined) {
    return { bug, discipline: id, mistake: m.mistake, scenario: null, teardown: steps, notExpressible: why };
  }
  const { discipline: _d, options: _o, ...world } = variant.world;
  const o: EduScenarioOptions = { ...world, teardown: steps, discipline: d.edu, options: m.options };
  const same = steps.length === own.length && steps.every((s, i) => s === own[i]);
  const name = `matrix-bug${String(bug).padStart(2, '0')}-${id}${same ? '' : `-${steps.join('-')}`}`;
  return { bug, discipline: id, mistake: m.mistake, scenario: eduScenario(name, o), teardown: steps };
}

/** Every cell, bug-major (60). */
export function matrixCells(): MatrixCellSpec[] {
  const out: MatrixCellSpec[] = [];
  for (let b = 1; b <= 10; b++) for (const id of MATRIX_DISCIPLINES) out.push(matrixCell(b, id));
  return out;
}
