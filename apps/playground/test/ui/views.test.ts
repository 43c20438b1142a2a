import { describe, expect, it } from 'vitest';
import type { RunRequest } from '../../src/engine/api.js';
import { Playground } from '../../src/ui/app.js';
import { renderControls } from '../../src/ui/controls.js';
import { byAttr, findAll, textOf, type VNode } from '../../src/ui/dom.js';
import { cellId, gridMove, renderMatrix } from '../../src/ui/matrix.js';
import { renderReportTable } from '../../src/ui/report-table.js';
import { cliReplayCommand } from '../../src/ui/result.js';
import { renderSteps, stepForKey } from '../../src/ui/steps.js';
import {
  formatNs,
  LABEL_W,
  layoutTimeline,
  nsAtClientX,
  PLOT_W,
  renderTimeline,
  timeWindow,
  zoomForKey,
} from '../../src/ui/timeline.js';
import { renderApp } from '../../src/ui/view.js';
import { CATALOGUE, FakeEngine, finding, result } from './fake-engine.js';

const host = { openFile: () => {}, focus: () => {} };

/** A controller showing the fake bug-4 finding (3 steps, cursor on the last). */
async function appWithFinding(): Promise<Playground> {
  const engine = new FakeEngine();
  const app = new Playground(engine, { download: () => {}, workers: 1 }, { discipline: 'fenced', bug: 4 });
  const done = app.run();
  engine.resolve(result(engine.runs[0] as RunRequest, 'finding', finding()));
  await done;
  return app;
}

function key(k: string): Event & { prevented: boolean } {
  const ev = {
    key: k,
    prevented: false,
    preventDefault() {
      ev.prevented = true;
    },
  };
  return ev as unknown as Event & { prevented: boolean };
}
const byId = (v: VNode, id: string): VNode | undefined => byAttr(v, 'id', id);

describe('timeline', () => {
  const f = finding();

  it('marks exactly the bad access with data-bad-access', () => {
    const v = renderTimeline(f.timeline, null);
    const bad = findAll(v, (n) => 'data-bad-access' in n.attrs);
    expect(bad).toHaveLength(1);
    expect(textOf(bad[0] as VNode)).toContain('readl BAR0');
    expect(bad[0]?.attrs.class).toContain('bad-access');
  });

  it('puts overlapping spans of a lane on separate rows, reusing a row once it is free', () => {
    const lay = layoutTimeline({
      lanes: ['CPU 0'],
      spans: [
        { lane: 'CPU 0', kind: 'task', name: 'a', startNs: 0, endNs: 10 },
        { lane: 'CPU 0', kind: 'callback', name: 'b', startNs: 5, endNs: 15 },
        { lane: 'CPU 0', kind: 'work', name: 'c', startNs: 10, endNs: 20 },
      ],
      marks: [],
      endNs: 20,
    });
    expect(lay.lanes[0]?.rows).toBe(2);
    expect(lay.lanes[0]?.spans.map((s) => [s.span.name, s.row])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 0],
    ]);
  });

  it('adds lanes that only a span or mark names, and scales time onto the plot width', () => {
    const v = renderTimeline(
      {
        lanes: [],
        spans: [{ lane: 'CPU 3', kind: 'work', name: 'w', startNs: 0, endNs: 500 }],
        marks: [],
        endNs: 1000,
      },
      250,
    );
    const rect = findAll(v, (n) => n.tag === 'rect' && !n.attrs.class)[0];
    expect(Number(rect?.attrs.x)).toBe(LABEL_W);
    expect(Number(rect?.attrs.width)).toBe(PLOT_W / 2);
    expect(Number(byAttr(v, 'class', 'cursor')?.attrs.x1)).toBe(LABEL_W + PLOT_W / 4);
    expect(byAttr(v, 'data-lane', 'CPU 3')).toBeDefined();
  });

  it('zooms on the cursor, kept inside the run', () => {
    expect(timeWindow(4000, 1, 4000)).toEqual({ fromNs: 0, toNs: 4000 });
    expect(timeWindow(4000, 4, 2000)).toEqual({ fromNs: 1500, toNs: 2500 });
    expect(timeWindow(4000, 4, 4000)).toEqual({ fromNs: 3000, toNs: 4000 });
    expect(timeWindow(4000, 4, 0)).toEqual({ fromNs: 0, toNs: 1000 });
    expect([
      zoomForKey('+', 1),
      zoomForKey('-', 1),
      zoomForKey('=', 64),
      zoomForKey('0', 8),
      zoomForKey('x', 2),
    ]).toEqual([2, 1, 128, 1, null]);
  });

  it('zoomed, clips spans to the window and leaves out marks outside it', () => {
    // Window [3000, 4000] at 4×: eduPoll (0–1000) is out, eduWork (1000–4000) is
    // clipped to start at the plot's left edge, unbind (2000–3000) ends on that
    // edge (a sliver), both marks (3000, 4000) are in.
    const f4 = renderTimeline(f.timeline, 4000, 4);
    const rects = findAll(f4, (n) => n.tag === 'rect' && !n.attrs.class);
    expect(rects).toHaveLength(2);
    expect(Number(rects[0]?.attrs.x)).toBe(LABEL_W);
    expect(Number(rects[0]?.attrs.width)).toBe(PLOT_W);
    expect(findAll(f4, (n) => n.attrs.class?.startsWith('mark') ?? false)).toHaveLength(2);
    // At 8× on the first step (0 ns) the bad access at 4000 ns is outside.
    const f8 = renderTimeline(f.timeline, 0, 8);
    expect(byAttr(f8, 'data-bad-access')).toBeUndefined();
    expect(textOf(byAttr(f8, 'id', 'timeline-caption') as VNode)).toContain('zoomed 8× on 0 ns – 500 ns');
  });

  it('zooms and steps from the keyboard on the figure, every key of a frame counting', async () => {
    const app = await appWithFinding();
    // One render, several keys before the next: each resolves against the live state.
    const fig = byId(renderApp(app, host), 'timeline') as VNode;
    const presses = ['+', '+', '+', 'a'].map((k) => {
      const ev = key(k);
      fig.on.keydown?.(ev);
      return ev.prevented;
    });
    expect(presses).toEqual([true, true, true, false]);
    expect(app.state.zoom).toBe(8);
    fig.on.keydown?.(key('-'));
    expect(app.state.zoom).toBe(4);
    fig.on.keydown?.(key('ArrowLeft'));
    fig.on.keydown?.(key('ArrowLeft'));
    expect(app.state.step).toBe(0);
    fig.on.keydown?.(key('0'));
    expect(app.state.zoom).toBe(1);
  });

  it('maps a click to virtual time, and the cursor to the nearest step', async () => {
    const w = { fromNs: 1000, toNs: 3000 };
    const total = LABEL_W + PLOT_W + 10;
    // Drawn at 2× (left 100 px): the plot's middle is LABEL_W + PLOT_W/2 units in.
    expect(nsAtClientX(100 + 2 * (LABEL_W + PLOT_W / 2), 100, 2 * total, w)).toBe(2000);
    expect(nsAtClientX(100 + LABEL_W, 100, 2 * total, w)).toBeNull();
    const app = await appWithFinding();
    app.goToTime(2000); // steps at 0, 3000, 4000: 3000 is nearest
    expect(app.state.step).toBe(1);
    app.goToTime(100);
    expect(app.state.step).toBe(0);
    app.goToTime(3500); // equally near 3000 and 4000: the later
    expect(app.state.step).toBe(2);
  });

  it('formats virtual time in the unit that fits', () => {
    expect(formatNs(12)).toBe('12 ns');
    expect(formatNs(4_100_000)).toBe('4.1 ms');
    expect(formatNs(2_500)).toBe('2.5 µs');
    expect(formatNs(3e9)).toBe('3 s');
  });
});

describe('step-through', () => {
  it('maps the keyboard onto steps, clamped', () => {
    expect(stepForKey('ArrowRight', 0, 3)).toBe(1);
    expect(stepForKey('ArrowDown', 2, 3)).toBe(2);
    expect(stepForKey('ArrowLeft', 0, 3)).toBe(0);
    expect(stepForKey('Home', 2, 3)).toBe(0);
    expect(stepForKey('End', 0, 3)).toBe(2);
    expect(stepForKey('PageDown', 0, 30)).toBe(10);
    expect(stepForKey('Enter', 0, 3)).toBeNull();
  });

  it('handles the keys on the list against the live step, and marks the current step', async () => {
    const app = await appWithFinding();
    const list = byId(renderApp(app, host), 'step-list') as VNode;
    const home = key('Home');
    list.on.keydown?.(home);
    // Two presses before any re-render: both move.
    list.on.keydown?.(key('ArrowRight'));
    list.on.keydown?.(key('ArrowDown'));
    const tab = key('Tab');
    list.on.keydown?.(tab);
    expect([home.prevented, tab.prevented]).toEqual([true, false]);
    expect(app.state.step).toBe(2);
    app.goTo(1);
    const v = renderApp(app, host);
    expect(byAttr(v, 'aria-current', 'step')?.attrs.id).toBe('step-1');
    expect(textOf(byId(v, 'step-pos') as VNode)).toMatch(/^Step 2 of 3/);
  });

  it('disables Prev on the first step and Next on the last', () => {
    const on = { step: () => {}, goTo: () => {}, key: () => false };
    const first = renderSteps(finding().steps, 0, on);
    const last = renderSteps(finding().steps, 2, on);
    expect('disabled' in (byId(first, 'step-prev') as VNode).attrs).toBe(true);
    expect('disabled' in (byId(first, 'step-next') as VNode).attrs).toBe(false);
    expect('disabled' in (byId(last, 'step-next') as VNode).attrs).toBe(true);
  });
});

describe('matrix', () => {
  const engine = new FakeEngine();

  it('has a button per cell that runs its bug and discipline', () => {
    const runs: [number, string][] = [];
    const v = renderMatrix(
      engine.matrix(),
      (bug, d) => runs.push([bug, d]),
      () => {},
    );
    expect(findAll(v, (n) => n.tag === 'button')).toHaveLength(60);
    byAttr(v, 'id', cellId(3, 1))?.on.click?.(key(''));
    expect(runs).toEqual([[4, 'fenced']]);
  });

  it('moves focus across the grid with the arrow keys', () => {
    expect(gridMove('ArrowRight', 0, 5, 10, 6)).toEqual([0, 5]);
    expect(gridMove('ArrowDown', 3, 1, 10, 6)).toEqual([4, 1]);
    expect(gridMove('Home', 3, 4, 10, 6)).toEqual([3, 0]);
    const focused: string[] = [];
    const v = renderMatrix(
      engine.matrix(),
      () => {},
      (id) => focused.push(id),
    );
    byAttr(v, 'id', cellId(0, 0))?.on.keydown?.(key('ArrowDown'));
    expect(focused).toEqual([cellId(1, 0)]);
  });
});

describe('report table', () => {
  it('offers Run only on rows that name a scenario', () => {
    const engine = new FakeEngine();
    const runs: RunRequest[] = [];
    const v = renderReportTable(engine.reportTable(), (r) => runs.push(r));
    const buttons = findAll(v, (n) => n.tag === 'button');
    expect(buttons).toHaveLength(1);
    buttons[0]?.on.click?.(key(''));
    expect(runs[0]).toMatchObject({ discipline: 'fenced', bug: 4 });
    // A click on a cell of that row runs it; the row without a scenario has no handler.
    const cells = findAll(v, (n) => n.tag === 'td');
    expect(cells.map((c) => typeof c.on.click)).toEqual(['function', 'undefined']);
    cells[0]?.on.click?.(key(''));
    expect(runs).toHaveLength(2);
  });
});

describe('controls', () => {
  const on = { field: () => {}, run: () => {}, cancel: () => {}, openFile: () => {} };
  const sel = {
    discipline: 'fenced',
    bug: 4,
    teardown: 'unbind',
    strategy: 'random',
    budget: 10,
    seed: 1,
    workers: 2,
    kinds: 'all',
    bound: 2,
  } as const;

  it('offers every discipline, the ten mistakes and none, and each teardown and strategy', () => {
    const v = renderControls(CATALOGUE, { ...sel }, false, on);
    const options = (id: string) => findAll(byId(v, id) as VNode, (n) => n.tag === 'option').map((o) => o.attrs.value);
    expect(options('f-discipline')).toHaveLength(6);
    expect(options('f-bug')).toEqual(['none', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(options('f-teardown')).toEqual(['unbind', 'rmmod', 'surprise']);
    expect(options('f-strategy')).toEqual(['random', 'pct', 'exhaustive']);
    expect(byId(v, 'f-bug')?.attrs.value).toBe('4');
    expect(options('f-kinds').slice(0, 3)).toEqual(['all', 'memory', 'use-after-remove']);
    // The preemption bound only means something to exhaustive search.
    expect(byId(v, 'f-bound')).toBeUndefined();
    expect(byId(renderControls(CATALOGUE, { ...sel, strategy: 'exhaustive' }, false, on), 'f-bound')).toBeDefined();
  });

  it('disables the inputs and Run while running, and enables Cancel', () => {
    const idle = renderControls(CATALOGUE, { ...sel }, false, on);
    const busy = renderControls(CATALOGUE, { ...sel }, true, on);
    expect('disabled' in (byId(idle, 'cancel') as VNode).attrs).toBe(true);
    expect('disabled' in (byId(busy, 'run') as VNode).attrs).toBe(true);
    expect('disabled' in (byId(busy, 'cancel') as VNode).attrs).toBe(false);
    expect(findAll(busy, (n) => n.tag === 'fieldset').every((f) => 'disabled' in f.attrs)).toBe(true);
  });

  it('runs on submit without navigating', () => {
    let ran = 0;
    const v = renderControls(CATALOGUE, { ...sel }, false, { ...on, run: () => ran++ });
    const ev = key('');
    v.on.submit?.(ev);
    expect([ran, ev.prevented]).toEqual([1, true]);
  });
});

describe('the page', () => {
  it('shows a finding: verdict, report text, the bad access, the steps and the decisions', async () => {
    const engine = new FakeEngine();
    const app = new Playground(engine, { download: () => {}, workers: 1 }, { discipline: 'fenced', bug: 4 });
    const done = app.run();
    engine.resolve(result(engine.runs[0] as RunRequest, 'finding', finding()));
    await done;
    const v = renderApp(app, host);
    expect(textOf(byId(v, 'verdict') as VNode)).toBe(
      'Finding: BUG: KASAN: use-after-remove in readl (schedule 0 of 1)',
    );
    expect(textOf(byId(v, 'report-text') as VNode)).toContain('offset 0x20 of edu 0000:00:03.0 BAR0');
    expect(byAttr(v, 'data-bad-access', 'true')).toBeDefined();
    expect(findAll(byId(v, 'decisions') as VNode, (n) => n.tag === 'li').map((n) => textOf(n))).toEqual([
      '0',
      '1',
      '1',
      '0',
    ]);
    expect(textOf(byId(v, 'decisions') as VNode)).toContain('4 decisions (shrunk from 7)');
    // The cursor sits on the last step's time, the bad access.
    expect(byAttr(v, 'class', 'cursor')?.attrs['data-cursor-ns']).toBe('4000');
    expect(byId(v, 'ftrace')).toBeDefined();
  });

  it('shows a clean run with no report and nothing highlighted', async () => {
    const engine = new FakeEngine();
    const app = new Playground(
      engine,
      { download: () => {}, workers: 1 },
      { discipline: 'revocable', bug: 4, budget: 50 },
    );
    const done = app.run();
    engine.resolve(result(engine.runs[0] as RunRequest, 'clean'));
    await done;
    const v = renderApp(app, host);
    expect(textOf(byId(v, 'verdict') as VNode)).toBe('Clean: no report in 50 schedules');
    expect(byId(v, 'report-text')).toBeUndefined();
    expect(byAttr(v, 'data-bad-access')).toBeUndefined();
  });

  it('switches views with the tabs and marks the current one', () => {
    const app = new Playground(new FakeEngine(), { download: () => {}, workers: 1 });
    byAttr(renderApp(app, host), 'id', 'tab-matrix')?.on.click?.(key(''));
    const v = renderApp(app, host);
    expect(byId(v, 'tab-matrix')?.attrs['aria-pressed']).toBe('true');
    expect(byId(v, 'matrix')).toBeDefined();
    expect(byId(v, 'controls')).toBeUndefined();
  });
});

describe('cliReplayCommand', () => {
  it('names a relative scenario module, which the CLI would resolve against the file folder', () => {
    const rel = { scenario: { module: 'examples/buggy/dist/playground.js', export: 'fenced/4/unbind' } };
    expect(cliReplayCommand(rel)).toBe(
      'node packages/explorer/dist/cli.js --replay FILE examples/buggy/dist/playground.js',
    );
    expect(cliReplayCommand({ scenario: { module: '/abs/scenarios.js' } })).toBe(
      'node packages/explorer/dist/cli.js --replay FILE',
    );
    expect(cliReplayCommand(null)).toBe('node packages/explorer/dist/cli.js --replay FILE');
  });
});
