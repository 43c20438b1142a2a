/**
 * The bug × discipline matrix (benchmarks/results/bug-matrix.json through the
 * engine's MatrixView): one button per cell, its verdict as text and colour;
 * a click (Enter, Space) runs that cell's scenario. Arrow keys move between
 * cells like a grid, so the 60 cells are not 60 Tab presses apart.
 */
import type { MatrixView } from '../engine/api.js';
import { h, type VNode } from './dom.js';

export type MatrixCell = MatrixView['rows'][number]['cells'][number];

/** The cell the arrow key moves to in a `rows` × `cols` grid, or null for another key. */
export function gridMove(key: string, row: number, col: number, rows: number, cols: number): [number, number] | null {
  switch (key) {
    case 'ArrowRight':
      return [row, Math.min(cols - 1, col + 1)];
    case 'ArrowLeft':
      return [row, Math.max(0, col - 1)];
    case 'ArrowDown':
      return [Math.min(rows - 1, row + 1), col];
    case 'ArrowUp':
      return [Math.max(0, row - 1), col];
    case 'Home':
      return [row, 0];
    case 'End':
      return [row, cols - 1];
    default:
      return null;
  }
}

/** The DOM id of a matrix cell's button. */
export const cellId = (row: number, col: number): string => `cell-${row}-${col}`;

/**
 * `onRun(bug, discipline, cell)` runs a cell; `onFocusCell(id)` moves focus
 * (the page focuses the element; tests record it).
 */
export function renderMatrix(
  m: MatrixView,
  onRun: (bug: number, discipline: string, cell: MatrixCell) => void,
  onFocusCell: (id: string) => void,
): VNode {
  const rows = m.rows.length;
  const cols = m.disciplines.length;
  return h(
    'section',
    { id: 'matrix', class: 'matrix', 'aria-labelledby': 'matrix-h' },
    h('h2', { id: 'matrix-h' }, 'Bug × discipline matrix'),
    h(
      'p',
      null,
      'Each catalogue mistake written in each discipline, with the verdict computed by the explorer ',
      '(prevented: no report; caught: the production run oopses; silent: freed memory or code used and nothing says so). ',
      'Activate a cell to run it here.',
    ),
    h(
      'table',
      { class: 'grid' },
      h('caption', { class: 'sr-only' }, 'Verdict per bug (rows) and discipline (columns)'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'bug'),
          m.disciplines.map((d) => h('th', { scope: 'col' }, d)),
        ),
      ),
      h(
        'tbody',
        null,
        m.rows.map((r, ri) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, `${r.bug}. ${r.title}`),
            m.disciplines.map((d, ci) => {
              const cell = r.cells.find((c) => c.discipline === d) as MatrixCell | undefined;
              if (!cell) return h('td', { class: 'verdict-missing' }, '—');
              return h(
                'td',
                { class: `verdict verdict-${cell.verdict.replace(/\s+/g, '-')}` },
                h(
                  'button',
                  {
                    id: cellId(ri, ci),
                    type: 'button',
                    title: cell.detail,
                    'data-bug': r.bug,
                    'data-discipline': d,
                    'aria-label': `bug ${r.bug} under ${d}: ${cell.verdict}. Run it`,
                    onclick: () => onRun(r.bug, d, cell),
                    onkeydown: (ev: Event) => {
                      const to = gridMove((ev as KeyboardEvent).key, ri, ci, rows, cols);
                      if (!to) return;
                      ev.preventDefault();
                      onFocusCell(cellId(to[0], to[1]));
                    },
                  },
                  cell.verdict,
                ),
              );
            }),
          ),
        ),
      ),
    ),
  );
}
