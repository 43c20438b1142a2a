/**
 * The bug catalogue of docs/design.md §6 as runnable variants of the edu driver.
 */
import { bug01 } from './bug01-work-after-remove.js';
import { bug02 } from './bug02-timer-after-remove.js';
import { bug03 } from './bug03-timer-after-unload.js';
import { bug04 } from './bug04-self-requeue-nosync.js';
import { bug05 } from './bug05-cancel-order.js';
import { bug06 } from './bug06-irq-after-unmap.js';
import { bug07 } from './bug07-fops-no-owner.js';
import { bug08 } from './bug08-deregister-inflight.js';
import { bug09 } from './bug09-devres-order.js';
import { bug10 } from './bug10-revocable-eaf.js';
import type { BuggyVariant } from './variant.js';

export { type BuggyVariant, variantScenario } from './variant.js';
export { bug01, bug02, bug03, bug04, bug05, bug06, bug07, bug08, bug09, bug10 };

export const BUGGY: readonly BuggyVariant[] = [bug01, bug02, bug03, bug04, bug05, bug06, bug07, bug08, bug09, bug10];

/** The bug × discipline matrix: cells (the mistake per discipline) and their computation. */
export { MATRIX_DISCIPLINES, type MatrixCellSpec, matrixCell, matrixCells } from './matrix/cells.js';
export {
  type CellHit,
  computeCell,
  type MatrixCell,
  MEMORY_KINDS,
  productionReplay,
  type Verdict,
} from './matrix/compute.js';
/** The edu worlds as named explorer scenarios (`scenarios.bug04`, `scenarios.fenced`, …); built: dist/scenarios.js. */
export * as scenarios from './scenarios.js';
