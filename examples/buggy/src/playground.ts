/**
 * Every world the playground (apps/playground) offers, by id, so that a
 * replay file the page writes replays with the CLI:
 *
 *   quiesce-explore --replay FILE examples/buggy/dist/playground.js
 *
 * An id is `<discipline>/<bug>/<teardown>`: a DISCIPLINES id, a catalogue
 * bug 1..10 or `none` (the correct driver), and one of the page's teardowns
 * (`fenced/4/unbind`, `revocable/none/surprise`). A replay file names the
 * id as its `export`; loadScenario resolves an export that is no export
 * name through this module's {@link scenarioById} (docs/playground.md).
 *
 * The teardown of a catalogue bug: the catalogue world's own steps when
 * they end with the chosen one (bug 10 is `unbind` then `rmmod`: its
 * `rmmod` keeps both), else the chosen step alone.
 */
import { DISCIPLINES, type EduScenario, eduScenario, type Teardown } from '@quiesce/edu-driver';
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
import { matrixCell } from './matrix/cells.js';

// The variants one by one, not index.ts's BUGGY: index.ts also exports the
// matrix computation, which needs the explorer's Node entry, and this module
// must bundle for a browser.
const BUGGY = [bug01, bug02, bug03, bug04, bug05, bug06, bug07, bug08, bug09, bug10];

/** The teardowns the page offers. */
export const PLAYGROUND_TEARDOWNS = ['unbind', 'rmmod', 'surprise'] as const;
export type PlaygroundTeardown = (typeof PLAYGROUND_TEARDOWNS)[number];

/** One combination the page offers. */
export interface PlaygroundCombination {
  /** `<discipline>/<bug|none>/<teardown>`. */
  id: string;
  discipline: string;
  /** Catalogue bug, or null for the correct driver. */
  bug: number | null;
  teardown: PlaygroundTeardown;
  /** The teardown steps the admin task runs. */
  steps: readonly Teardown[];
  /** The mistake as the author makes it (null for the correct driver). */
  mistake: string | null;
  /** The world, or null when the mistake cannot be written in the discipline. */
  scenario: EduScenario | null;
  /** Why not, when `scenario` is null. */
  notExpressible?: string;
}

/** The id of a combination. Context: any (pure). */
export function playgroundId(discipline: string, bug: number | null, teardown: PlaygroundTeardown): string {
  return `${discipline}/${bug === null ? 'none' : String(bug)}/${teardown}`;
}

const isTeardown = (t: string): t is PlaygroundTeardown => (PLAYGROUND_TEARDOWNS as readonly string[]).includes(t);

/**
 * The parts of a combination id. Context: any (pure). Returns: null for a
 * string that is no id of a combination (unknown discipline, bug or
 * teardown, wrong shape).
 */
export function parsePlaygroundId(
  id: string,
): { discipline: string; bug: number | null; teardown: PlaygroundTeardown } | null {
  const parts = id.split('/');
  if (parts.length !== 3) return null;
  const [discipline, b, teardown] = parts as [string, string, string];
  if (!DISCIPLINES.some((d) => d.id === discipline) || !isTeardown(teardown)) return null;
  if (b === 'none') return { discipline, bug: null, teardown };
  const bug = Number(b);
  if (!(/^[0-9]+$/.test(b) && bug >= 1 && bug <= BUGGY.length)) return null;
  return { discipline, bug, teardown };
}

/** The steps of `teardown` for catalogue bug `bug` (see the module comment). */
function bugSteps(bug: number, teardown: PlaygroundTeardown): readonly Teardown[] {
  const own = (BUGGY[bug - 1] as (typeof BUGGY)[number]).world.teardown ?? ['unbind'];
  return own[own.length - 1] === teardown ? own : [teardown];
}

/**
 * The combination of `discipline`, `bug` (null: the correct driver) and
 * `teardown`: a new scenario object each call (a scenario keeps the world of
 * its last run). Context: any.
 * Errors: TypeError naming an unknown discipline, bug or teardown.
 */
export function playgroundCombination(
  discipline: string,
  bug: number | null,
  teardown: PlaygroundTeardown,
): PlaygroundCombination {
  const d = DISCIPLINES.find((x) => x.id === discipline);
  if (d === undefined) throw new TypeError(`playgroundCombination: unknown discipline '${discipline}'`);
  if (!isTeardown(teardown)) throw new TypeError(`playgroundCombination: unknown teardown '${String(teardown)}'`);
  const id = playgroundId(discipline, bug, teardown);
  if (bug === null) {
    // The correct driver, as scenarios.ts's correctScenario builds it (same name for unbind).
    const name = `edu-${d.edu}${teardown === 'unbind' ? '' : `-${teardown}`}`;
    const scenario = eduScenario(name, { discipline: d.edu, teardown: [teardown] }, 'clean');
    return { id, discipline, bug, teardown, steps: [teardown], mistake: null, scenario };
  }
  if (!(Number.isInteger(bug) && bug >= 1 && bug <= BUGGY.length)) {
    throw new TypeError(`playgroundCombination: unknown bug ${String(bug)}`);
  }
  const cell = matrixCell(bug, discipline, bugSteps(bug, teardown));
  return {
    id,
    discipline,
    bug,
    teardown,
    steps: cell.teardown,
    mistake: cell.mistake,
    scenario: cell.scenario,
    ...(cell.notExpressible !== undefined ? { notExpressible: cell.notExpressible } : {}),
  };
}

/**
 * The scenario of combination `id`, for loadScenario (a replay file's
 * `export`) and the page's workers. Context: any. Returns: null for an id
 * that names no combination, or one whose mistake is not expressible.
 */
export function scenarioById(id: string): EduScenario | null {
  const p = parsePlaygroundId(id);
  return p === null ? null : playgroundCombination(p.discipline, p.bug, p.teardown).scenario;
}

/** Every combination id the page offers: disciplines × (none, 1..10) × teardowns. Context: any (pure). */
export function playgroundIds(): string[] {
  const out: string[] = [];
  for (const d of DISCIPLINES)
    for (const bug of [null, ...BUGGY.map((v) => v.bug)])
      for (const t of PLAYGROUND_TEARDOWNS) out.push(playgroundId(d.id, bug, t));
  return out;
}

/** A catalogue bug as the page lists it. */
export interface PlaygroundBug {
  bug: number;
  /** The variant's slug (`self-requeue-nosync`). */
  id: string;
  /** The catalogue's one line. */
  title: string;
  /** The mistake, as the author makes it in any discipline. */
  mistake: string;
  /** The page's teardown that runs the catalogue's own world (the last step of its teardown). */
  teardown: PlaygroundTeardown;
}

/** The catalogue's bugs, 1..10. Context: any (pure). */
export function playgroundBugs(): PlaygroundBug[] {
  return BUGGY.map((v) => {
    const last = (v.world.teardown ?? ['unbind']).at(-1) ?? 'unbind';
    const teardown: PlaygroundTeardown = isTeardown(last) ? last : 'unbind';
    return { bug: v.bug, id: v.slug, title: v.title, mistake: matrixCell(v.bug, 'fenced').mistake, teardown };
  });
}
