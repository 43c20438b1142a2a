/**
 * The benchmark report's first-screen table (benchmarks/results/report.json
 * through the engine's ReportTableView): each discipline's row, with a Run
 * button where the engine names a scenario for the row; a click on any of
 * the row's cells runs it too.
 */
import type { ReportTableView, RunRequest } from '../engine/api.js';
import { h, type VNode } from './dom.js';

/**
 * The table view. `onRun` runs a row's request. Context: any (pure).
 * Returns: a section with the table; a header cell is added for the row
 * labels when the view's columns name only the data cells.
 */
export function renderReportTable(t: ReportTableView, onRun: (req: RunRequest) => void): VNode {
  return h(
    'section',
    { id: 'report-table', class: 'report-table', 'aria-labelledby': 'report-h' },
    h('h2', { id: 'report-h' }, 'What each discipline costs'),
    h(
      'p',
      null,
      'The first table of the benchmark report (benchmarks/results/REPORT.md). ',
      'Run (or a click on any cell of the row) explores the scenario the engine names for the row.',
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        null,
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            // The label is the first column; a view whose columns name only the cells gets a blank one.
            t.columns.length === (t.rows[0]?.cells.length ?? 0) ? h('th', { scope: 'col' }, '') : null,
            t.columns.map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          null,
          t.rows.map((r, i) => {
            const run = r.run;
            return h(
              'tr',
              null,
              h(
                'th',
                { scope: 'row' },
                r.label,
                run
                  ? h(
                      'button',
                      {
                        id: `report-run-${i}`,
                        type: 'button',
                        class: 'run-row',
                        'aria-label': `Run ${r.label}`,
                        onclick: () => onRun(run),
                      },
                      'Run',
                    )
                  : null,
              ),
              // A click on any cell runs the row (mouse); the keyboard has the row's Run button.
              r.cells.map((c) =>
                run
                  ? h('td', { class: 'clickable', title: `Run ${r.label}`, onclick: () => onRun(run) }, c)
                  : h('td', null, c),
              ),
            );
          }),
        ),
      ),
    ),
  );
}
