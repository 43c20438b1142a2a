/**
 * The page's static data: the choices (disciplines, catalogue bugs,
 * teardowns, strategies), the bug × discipline matrix and the report's
 * first-screen table, from the files the benchmarks commit
 * (benchmarks/results/bug-matrix.json, REPORT.md) and the edu driver's own
 * tables. Pure: Node tests import it as the page does.
 */

import { playgroundBugs } from '@quiesce/edu-buggy/playground';
import { DISCIPLINES } from '@quiesce/edu-driver';
import bugMatrix from '../../../../benchmarks/results/bug-matrix.json';
import reportMd from '../../../../benchmarks/results/REPORT.md?raw';
import type { Catalogue, MatrixView, ReportTableView, RunRequest, StrategyId, TeardownId } from './api.js';

/** A short title per discipline id, as docs/disciplines.md names them. */
const TITLES: Readonly<Record<string, string>> = {
  'kernel-c': 'kernel C (careful remove())',
  fenced: 'fenced (fence on remove)',
  'devres-access': 'Devres::access(&Device<Bound>)',
  revocable: 'Revocable per resource',
  'srcu-device': 'SRCU per device (drm_dev_enter)',
  'c-revocable': 'C revocable API',
};

export const TEARDOWNS: readonly { id: TeardownId; title: string }[] = [
  { id: 'unbind', title: 'unbind (echo > /sys/bus/pci/drivers/edu/unbind)' },
  { id: 'rmmod', title: 'rmmod (module unload)' },
  { id: 'surprise', title: 'surprise removal (device pulled)' },
];

export const STRATEGY_CHOICES: readonly { id: StrategyId; title: string }[] = [
  { id: 'random', title: 'random (uniform at every decision)' },
  { id: 'pct', title: 'PCT (depth 3)' },
  { id: 'exhaustive', title: 'exhaustive (≤ 2 preemptions)' },
];

/** The choices the page offers. Context: any (pure). */
export function catalogue(): Catalogue {
  return {
    disciplines: DISCIPLINES.map((d) => ({ id: d.id, title: TITLES[d.id] ?? d.id, summary: d.kernel })),
    mistakes: playgroundBugs().map((b) => ({ bug: b.bug, id: b.id, title: b.title, mistake: b.mistake })),
    teardowns: TEARDOWNS.map((t) => ({ ...t })),
    strategies: STRATEGY_CHOICES.map((s) => ({ ...s })),
  };
}

interface MatrixJson {
  disciplines: { id: string }[];
  cells: {
    bug: number;
    discipline: string;
    verdict: string;
    evidence?: string;
    notExpressible?: string;
    hit?: { strategy: string; kind: string };
  }[];
}

/** The committed bug × discipline matrix, one row per bug. Context: any (pure). */
export function matrixView(json: MatrixJson = bugMatrix as MatrixJson): MatrixView {
  const bugsById = new Map(playgroundBugs().map((b) => [b.bug, b]));
  const disciplines = json.disciplines.map((d) => d.id);
  const bugs = [...new Set(json.cells.map((c) => c.bug))].sort((a, b) => a - b);
  return {
    disciplines,
    rows: bugs.map((bug) => ({
      bug,
      title: bugsById.get(bug)?.title ?? `bug ${bug}`,
      cells: disciplines.map((d) => {
        const c = json.cells.find((x) => x.bug === bug && x.discipline === d);
        const run: RunRequest = {
          discipline: d,
          bug,
          teardown: bugsById.get(bug)?.teardown ?? 'unbind',
          strategy: c?.hit?.strategy === 'pct' ? 'pct' : 'random',
          budget: 1000,
          ...(c?.hit !== undefined ? { kinds: [c.hit.kind] } : {}),
        };
        return {
          discipline: d,
          verdict: c?.verdict ?? 'missing',
          detail: c?.notExpressible ?? c?.evidence ?? '',
          run,
        };
      }),
    })),
  };
}

/** `**fenced**` → `fenced`: a markdown table cell as plain text. */
const plain = (cell: string): string => cell.trim().replace(/\*\*/g, '');

/**
 * The report's first table (REPORT.md's first-screen table: one row per
 * discipline), each row running that discipline's correct driver under
 * unbind. Rows follow the report's discipline order, which is DISCIPLINES'
 * order. Context: any (pure).
 * Errors: Error when the markdown has no table, or not one row per discipline.
 */
export function reportTableView(md: string = reportMd): ReportTableView {
  const lines = md.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  if (first < 0) throw new Error('reportTableView: REPORT.md has no table');
  const table: string[] = [];
  for (let i = first; i < lines.length && (lines[i] as string).startsWith('|'); i++) table.push(lines[i] as string);
  const cells = (l: string): string[] =>
    l
      .slice(1, l.trimEnd().endsWith('|') ? l.trimEnd().length - 1 : undefined)
      .split(' | ')
      .map(plain);
  const [head, , ...body] = table;
  if (head === undefined || body.length !== DISCIPLINES.length) {
    throw new Error(`reportTableView: expected ${DISCIPLINES.length} discipline rows, got ${body.length}`);
  }
  return {
    columns: cells(head),
    rows: body.map((l, i) => {
      const [label = '', ...rest] = cells(l);
      const run: RunRequest = {
        discipline: (DISCIPLINES[i] as (typeof DISCIPLINES)[number]).id,
        bug: null,
        teardown: 'unbind',
        strategy: 'random',
        budget: 1000,
      };
      return { label, cells: rest, run };
    }),
  };
}
