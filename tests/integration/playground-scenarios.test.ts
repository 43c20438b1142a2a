// The playground's combinations (examples/buggy/src/playground.ts): every
// (discipline, bug | none, teardown) the page offers has an id that names
// it, loadScenario resolves the id through scenarioById (so the CLI replays
// page files), and the teardown rule is the documented one
// (docs/playground.md, "Worlds").
import { fileURLToPath } from 'node:url';
import {
  PLAYGROUND_TEARDOWNS,
  parsePlaygroundId,
  playgroundBugs,
  playgroundCombination,
  playgroundIds,
  scenarioById,
} from '@quiesce/edu-buggy/playground';
import { DISCIPLINES } from '@quiesce/edu-driver';
import { loadScenario, ScenarioLoadError } from '@quiesce/explorer';
import { describe, expect, it } from 'vitest';

const module = fileURLToPath(new URL('../../examples/buggy/dist/playground.js', import.meta.url));

describe('playground combinations', () => {
  it('names 6 disciplines × (none + 10 bugs) × 3 teardowns, each id once, each parsing back', () => {
    const ids = playgroundIds();
    expect(ids).toHaveLength(DISCIPLINES.length * 11 * PLAYGROUND_TEARDOWNS.length);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      const p = parsePlaygroundId(id);
      expect(p).not.toBeNull();
      const c = playgroundCombination(p?.discipline ?? '', p?.bug ?? null, p?.teardown ?? 'unbind');
      expect(c.id).toBe(id);
    }
  });

  it.each(['fenced/0/unbind', 'fenced/11/unbind', 'fenced/4', 'nope/4/unbind', 'fenced/4/rebind', 'fenced/04x/unbind'])(
    'refuses the id %s',
    (id) => {
      expect(parsePlaygroundId(id)).toBeNull();
      expect(scenarioById(id)).toBeNull();
    },
  );

  it('teardown: the catalogue world’s steps when they end with the chosen one, else the chosen step alone', () => {
    // Bug 10 is unbind then rmmod (docs/bug-catalogue.md).
    expect(playgroundCombination('revocable', 10, 'rmmod').steps).toEqual(['unbind', 'rmmod']);
    expect(playgroundCombination('revocable', 10, 'unbind').steps).toEqual(['unbind']);
    // Bug 3 is rmmod; bug 4 unbind.
    expect(playgroundCombination('kernel-c', 3, 'rmmod').steps).toEqual(['rmmod']);
    expect(playgroundCombination('kernel-c', 4, 'surprise').steps).toEqual(['surprise']);
    expect(playgroundCombination('fenced', null, 'rmmod').steps).toEqual(['rmmod']);
  });

  it('names worlds like the catalogue: the correct driver under unbind is edu-<discipline>, a cell is its matrix name', () => {
    expect(scenarioById('fenced/none/unbind')?.name).toBe('edu-fenced');
    expect(scenarioById('kernel-c/none/unbind')?.name).toBe('edu-kernel');
    expect(scenarioById('fenced/none/surprise')?.name).toBe('edu-fenced-surprise');
    expect(scenarioById('fenced/4/unbind')?.name).toBe('matrix-bug04-fenced');
    expect(scenarioById('fenced/4/rmmod')?.name).toBe('matrix-bug04-fenced-rmmod');
  });

  it('bug 9 has no form in kernel-C: no scenario, the matrix’s reason', () => {
    const c = playgroundCombination('kernel-c', 9, 'unbind');
    expect(c.scenario).toBeNull();
    expect(c.notExpressible).toMatch(/registers nothing on devres/);
    expect(scenarioById('kernel-c/9/unbind')).toBeNull();
  });

  it('lists the ten catalogue bugs with their mistakes', () => {
    const bugs = playgroundBugs();
    expect(bugs.map((b) => b.bug)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(bugs[3]).toMatchObject({
      id: 'self-requeue-nosync',
      title: 'Self-requeueing work survives a non-sync cancel',
    });
  });

  it('loadScenario resolves an id through scenarioById and refuses an unknown one', async () => {
    const r = await loadScenario({ module, export: 'srcu-device/2/surprise' });
    expect(r.exportName).toBe('srcu-device/2/surprise');
    expect(r.scenario.name).toBe('matrix-bug02-srcu-device-surprise');
    await expect(loadScenario({ module, export: 'fenced/99/unbind' })).rejects.toThrow(ScenarioLoadError);
    // A real export still wins over the id lookup.
    await expect(loadScenario({ module, export: 'PLAYGROUND_TEARDOWNS' })).rejects.toThrow(/is not a scenario/);
  });

  it.each(PLAYGROUND_TEARDOWNS)('throws a TypeError for an unknown discipline or bug (%s)', (t) => {
    expect(() => playgroundCombination('nope', null, t)).toThrow(TypeError);
    expect(() => playgroundCombination('fenced', 0, t)).toThrow(/unknown bug 0/);
  });
});
