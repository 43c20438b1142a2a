/**
 * Which scenario a run or a replay file means, as a worker can load it: the
 * page bundles examples/buggy's playground combinations and its named
 * scenarios (scenarios.js), not modules by path, so a replay file's
 * `scenario.module` is matched by file name.
 */
import type { RunRequest } from './api.js';
import type { ScenarioTarget } from './protocol.js';

/**
 * The module path a replay file written by the page names, relative to the
 * repository root: saved there, `quiesce-explore --replay FILE` finds it;
 * saved elsewhere, `quiesce-explore --replay FILE examples/buggy/dist/playground.js`.
 */
export const PLAYGROUND_MODULE = 'examples/buggy/dist/playground.js';
/** The module of examples/buggy's named scenarios (`bug04`, `fenced`, …), as the CLI's replay files name it. */
export const SCENARIOS_MODULE = 'examples/buggy/dist/scenarios.js';

/** The combination id of a run request (examples/buggy/src/playground.ts). Context: any (pure). */
export function requestId(req: Pick<RunRequest, 'discipline' | 'bug' | 'teardown'>): string {
  return `${req.discipline}/${req.bug === null ? 'none' : String(req.bug)}/${req.teardown}`;
}

/** The module path and export a replay file of `target` names. Context: any (pure). */
export function targetRef(target: ScenarioTarget): { module: string; export: string } {
  return target.kind === 'playground'
    ? { module: PLAYGROUND_MODULE, export: target.id }
    : { module: SCENARIOS_MODULE, export: target.export };
}

/**
 * The target of a replay file's scenario reference: `…/playground.js` with
 * a combination id, or `…/scenarios.js` with an export name. Context: any
 * (pure). Returns: null for any other module (the page cannot load modules
 * by path).
 */
export function targetOf(ref: { module: string; export: string }): ScenarioTarget | null {
  const base = ref.module.replace(/\\/g, '/').split('/').pop() ?? '';
  if (base === 'playground.js') return { kind: 'playground', id: ref.export };
  if (base === 'scenarios.js') return { kind: 'scenarios', export: ref.export };
  return null;
}
