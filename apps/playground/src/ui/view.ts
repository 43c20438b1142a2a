/**
 * The whole page as a function of the controller's state: header and tabs,
 * then the explorer (form, progress, result, timeline, step-through), the
 * matrix, or the report table.
 */

import type { Playground } from './app.js';
import { renderControls } from './controls.js';
import { type Child, h, type VNode } from './dom.js';
import { renderMatrix } from './matrix.js';
import { renderProgress } from './progress.js';
import { renderReportTable } from './report-table.js';
import { renderDecisions, renderReport, renderResult } from './result.js';
import { requestOf, type Tab } from './state.js';
import { renderSteps } from './steps.js';
import { renderFtrace, renderTimeline } from './timeline.js';

/** How the page reaches outside the view: opening a file, moving focus. */
export interface ViewHost {
  openFile(file: File): void;
  focus(id: string): void;
}

const TABS: { id: Tab; label: string }[] = [
  { id: 'explore', label: 'Explore' },
  { id: 'matrix', label: 'Bug × discipline matrix' },
  { id: 'report', label: 'Report table' },
];

function tabs(app: Playground, host: ViewHost): VNode {
  const cur = app.state.tab;
  return h(
    'nav',
    { class: 'tabs', 'aria-label': 'Views' },
    TABS.map((t) =>
      h(
        'button',
        {
          id: `tab-${t.id}`,
          type: 'button',
          'aria-pressed': t.id === cur ? 'true' : 'false',
          'aria-controls': 'view',
          onclick: () => app.setTab(t.id),
          onkeydown: (ev: Event) => {
            const key = (ev as KeyboardEvent).key;
            if (key !== 'ArrowRight' && key !== 'ArrowLeft') return;
            ev.preventDefault();
            const i = TABS.findIndex((x) => x.id === t.id);
            const next = TABS[(i + (key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
            if (next) host.focus(`tab-${next.id}`);
          },
        },
        t.label,
      ),
    ),
  );
}

function explore(app: Playground, host: ViewHost): Child[] {
  const s = app.state;
  const f = s.result?.finding;
  const cursor = f?.steps[s.step]?.atNs ?? null;
  return [
    renderControls(app.engine.catalogue(), s.selection, s.running, {
      field: (name, value) => app.setField(name, value),
      run: () => void app.run(),
      cancel: () => app.cancel(),
      openFile: (file) => host.openFile(file),
    }),
    s.error ? h('p', { id: 'error', class: 'error', role: 'alert' }, s.error) : null,
    renderProgress(s.progress, s.running, s.result?.verdict === 'finding'),
    s.result ? renderResult(s.result, s.runs, () => app.downloadReplay()) : null,
    f
      ? [
          renderTimeline(f.timeline, cursor, s.zoom, {
            zoom: (z) => app.setZoom(z),
            key: (k) => app.timelineKey(k),
            clickAt: (ns) => app.goToTime(ns),
          }),
          renderFtrace(f.ftrace),
          renderReport(f),
          h(
            'div',
            { class: 'columns' },
            renderSteps(f.steps, s.step, {
              step: (d) => app.step(d),
              goTo: (i) => app.goTo(i),
              key: (k) => app.stepKey(k),
            }),
            renderDecisions(f),
          ),
        ]
      : null,
  ];
}

/** The page from the controller's state. Context: any (pure: handlers call the controller). Returns: the page's root. */
export function renderApp(app: Playground, host: ViewHost): VNode {
  const s = app.state;
  let body: Child;
  if (s.tab === 'matrix') {
    body = renderMatrix(
      app.engine.matrix(),
      (bug, discipline, cell) =>
        void app.runRequest(cell.run ?? { ...requestOf(app.state.selection), discipline, bug }, 'matrix'),
      (id) => host.focus(id),
    );
  } else if (s.tab === 'report') {
    body = renderReportTable(app.engine.reportTable(), (req) => void app.runRequest(req, 'report'));
  } else body = explore(app, host);
  return h(
    'div',
    { class: 'page', 'data-running': s.running },
    h(
      'header',
      null,
      h('h1', null, 'quiesce playground'),
      h(
        'p',
        { class: 'tagline' },
        "A driver's lifecycle mistake, explored across schedules: the same mistake in a fenced and in a revocable driver, and what each does at teardown.",
      ),
      tabs(app, host),
    ),
    h('div', { id: 'view', class: `view view-${s.tab}` }, body),
  );
}
