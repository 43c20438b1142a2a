import { describe, expect, it } from 'vitest';
import type { RunRequest } from '../../src/engine/api.js';
import { Playground, replayFileName } from '../../src/ui/app.js';
import { FakeEngine, finding, flush, result } from './fake-engine.js';

function setup(initial = {}) {
  const engine = new FakeEngine();
  const downloads: { name: string; text: string }[] = [];
  const app = new Playground(engine, { download: (name, text) => downloads.push({ name, text }), workers: 2 }, initial);
  let renders = 0;
  app.subscribe(() => renders++);
  return { engine, app, downloads, renders: () => renders };
}

describe('Playground controller', () => {
  it('starts from the catalogue: first discipline, the correct driver, all workers', () => {
    const { app } = setup();
    expect(app.state.selection).toMatchObject({ discipline: 'kernel-c', bug: null, teardown: 'unbind', workers: 2 });
  });

  it('runs the form as a request and shows progress, then the finding with the cursor on its last step', async () => {
    const { engine, app, renders } = setup();
    app.setField('discipline', 'fenced');
    app.setField('bug', '4');
    app.setField('budget', '200');
    const done = app.run();
    expect(engine.runs).toEqual([
      { discipline: 'fenced', bug: 4, teardown: 'unbind', strategy: 'random', budget: 200, seed: 1, workers: 2 },
    ]);
    expect(app.state.running).toBe(true);
    engine.progress({ done: 50, total: 200, schedulesPerSec: 25, findings: 0 });
    expect(app.state.progress?.done).toBe(50);
    const req = engine.runs[0] as RunRequest;
    engine.resolve(result(req, 'finding', finding()));
    const r = await done;
    expect(r?.verdict).toBe('finding');
    expect(app.state).toMatchObject({ running: false, step: 2, source: 'form' });
    expect(renders()).toBeGreaterThanOrEqual(5);
  });

  it('refuses a second run while one is in flight', async () => {
    const { engine, app } = setup();
    void app.run();
    expect(await app.run()).toBeNull();
    expect(engine.runs).toHaveLength(1);
  });

  it('cancels only a run in flight', async () => {
    const { engine, app } = setup();
    app.cancel();
    expect(engine.cancels).toBe(0);
    const done = app.run();
    app.cancel();
    expect(engine.cancels).toBe(1);
    engine.resolve({ ...result(engine.runs[0] as RunRequest, 'incomplete'), reason: 'cancelled', schedules: 3 });
    expect((await done)?.verdict).toBe('incomplete');
    expect(app.state.running).toBe(false);
  });

  it('shows an engine failure as an error and stops running', async () => {
    const { engine, app } = setup();
    const done = app.run();
    engine.reject(new Error('worker crashed'));
    expect(await done).toBeNull();
    expect(app.state).toMatchObject({ running: false, error: 'run failed: worker crashed' });
  });

  it('runs a matrix cell in the explorer view with the cell as the form', async () => {
    const { engine, app } = setup({ budget: 300 });
    app.setTab('matrix');
    void app.runRequest(
      {
        discipline: 'revocable',
        bug: 3,
        teardown: 'rmmod',
        strategy: 'pct',
        budget: 1000,
        kinds: ['execute-after-free'],
      },
      'matrix',
    );
    expect(app.state.tab).toBe('explore');
    expect(app.state.selection).toMatchObject({
      discipline: 'revocable',
      bug: 3,
      teardown: 'rmmod',
      strategy: 'pct',
      budget: 1000,
      kinds: 'execute-after-free',
      workers: 2,
    });
    expect(engine.runs[0]).toEqual({
      discipline: 'revocable',
      bug: 3,
      teardown: 'rmmod',
      strategy: 'pct',
      budget: 1000,
      seed: 1,
      workers: 2,
      kinds: ['execute-after-free'],
    });
  });

  it('sends the kind filter and, for exhaustive only, the preemption bound', () => {
    const { engine, app } = setup();
    app.setField('kinds', 'memory');
    app.setField('strategy', 'exhaustive');
    app.setField('bound', '3');
    void app.run();
    // The memory-safety kinds (KASAN-type reports), in --kind help order.
    expect(engine.runs[0]?.kinds).toEqual([
      'use-after-remove',
      'use-after-free',
      'slab-out-of-bounds',
      'double-free',
      'invalid-free',
      'execute-after-free',
      'double-release',
      'callback-after-fence',
    ]);
    expect(engine.runs[0]?.bound).toBe(3);
    const other = setup();
    other.app.setField('bound', '3');
    void other.app.run();
    expect(other.engine.runs[0]).not.toHaveProperty('bound');
    expect(other.engine.runs[0]).not.toHaveProperty('kinds');
  });

  it('walks the steps, clamped at both ends', async () => {
    const { engine, app } = setup();
    const done = app.run();
    engine.resolve(result(engine.runs[0] as RunRequest, 'finding', finding()));
    await done;
    app.step(1);
    expect(app.state.step).toBe(2);
    app.step(-1);
    expect(app.state.step).toBe(1);
    app.goTo(-5);
    expect(app.state.step).toBe(0);
  });

  it('downloads the replay file as JSON under a name that says what it is', async () => {
    const { engine, app, downloads } = setup({ discipline: 'fenced', bug: 4 });
    expect(app.downloadReplay()).toBeNull();
    const done = app.run();
    engine.resolve(result(engine.runs[0] as RunRequest, 'finding', finding({ seed: 3 })));
    await done;
    expect(app.downloadReplay()).toBe('quiesce-fenced-bug04-unbind-seed3.json');
    expect(JSON.parse(downloads[0]?.text ?? '')).toEqual({ format: 'quiesce-replay/1', decisions: [0, 1, 1, 0] });
  });

  it('opens a replay file: bad JSON is an error, good JSON goes to the engine', async () => {
    const { engine, app } = setup();
    expect(await app.openReplayText('{nope')).toBeNull();
    expect(app.state.error).toMatch(/^not a replay file/);
    expect(engine.replays).toHaveLength(0);
    const done = app.openReplayText('{"format":"quiesce-replay/1"}');
    expect(engine.replays).toEqual([{ format: 'quiesce-replay/1' }]);
    const req: RunRequest = { discipline: 'kernel-c', bug: 4, teardown: 'unbind', strategy: 'random', budget: 1 };
    engine.resolve(result(req, 'finding', finding()));
    await done;
    await flush();
    expect(app.state).toMatchObject({ source: 'replay', error: null, running: false });
    expect(app.state.selection.bug).toBe(4);
  });
});

describe('replayFileName', () => {
  it('names the correct driver "correct"', () => {
    const req: RunRequest = {
      discipline: 'revocable',
      bug: null,
      teardown: 'surprise',
      strategy: 'pct',
      budget: 1,
      seed: 7,
    };
    expect(replayFileName(result(req, 'clean'))).toBe('quiesce-revocable-correct-surprise-seed7.json');
  });
});
