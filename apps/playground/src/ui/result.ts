/**
 * The run's verdict and, for a finding, its kernel-style report text, the
 * replay download and the shrunk decision list. The timeline and the
 * step-through are src/ui/timeline.ts and src/ui/steps.ts.
 */
import type { FindingView, RunResult } from '../engine/api.js';
import { h, type VNode } from './dom.js';

const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function requestLine(r: RunResult): string {
  const q = r.request;
  const bug = q.bug === null ? 'the correct driver' : `bug ${q.bug}`;
  return `${r.scenario}: ${q.discipline}, ${bug}, ${q.teardown}, ${q.strategy}`;
}

/** One line naming the verdict, as a heading. */
export function verdictText(r: RunResult): string {
  const n = nf.format(r.schedules);
  switch (r.verdict) {
    case 'finding':
      return `Finding: ${r.finding?.title ?? 'report'} (schedule ${r.finding?.schedule ?? '?'} of ${n})`;
    case 'clean':
      return `Clean: no report in ${n} schedule${r.schedules === 1 ? '' : 's'}`;
    case 'not-expressible':
      return `Not expressible: ${r.reason ?? 'the mistake has no form in this discipline'}`;
    case 'incomplete':
      return `Incomplete after ${n} schedule${r.schedules === 1 ? '' : 's'}: ${r.reason ?? 'cancelled'}`;
  }
}

/**
 * The CLI command that replays a downloaded file from the repository root. A
 * file the page writes names its scenario module relative to the repository
 * (the page cannot know where the file lands), and the CLI resolves a
 * relative module against the file's folder, so the command names it.
 */
export function cliReplayCommand(file: unknown): string {
  const scenario = (file as { scenario?: { module?: unknown } } | null)?.scenario;
  const module = typeof scenario?.module === 'string' ? scenario.module : '';
  const relative = module !== '' && !module.startsWith('/') && !/^[a-z]+:/i.test(module);
  return `node packages/explorer/dist/cli.js --replay FILE${relative ? ` ${module}` : ''}`;
}

/** The decision list, shrunk, beside the length of the one first found. */
export function renderDecisions(f: FindingView): VNode {
  return h(
    'section',
    { id: 'decisions', class: 'decisions', 'aria-labelledby': 'decisions-h' },
    h('h3', { id: 'decisions-h' }, 'Shrunk schedule'),
    h(
      'p',
      null,
      `${f.decisions.length} decision${f.decisions.length === 1 ? '' : 's'} (shrunk from ${f.originalDecisions.length}); seed ${f.seed}. `,
      'Each is the index of the runnable context the scheduler picked at one scheduling point.',
    ),
    h(
      'ol',
      { class: 'decision-list', start: 0, 'aria-label': 'Decisions' },
      f.decisions.map((d, i) => h('li', { 'data-index': i }, String(d))),
    ),
  );
}

/** The verdict and the report. `onDownload` saves the replay file. */
export function renderResult(r: RunResult, run: number, onDownload: () => void): VNode {
  const f = r.finding;
  return h(
    'section',
    {
      id: 'result',
      class: `result verdict-${r.verdict}`,
      'aria-labelledby': 'verdict',
      'data-verdict': r.verdict,
      'data-run': run,
    },
    h('h2', { id: 'verdict', tabindex: -1 }, verdictText(r)),
    h(
      'p',
      { class: 'meta' },
      requestLine(r),
      ` · ${nf.format(r.schedules)} schedules in ${nf.format(r.elapsedMs)} ms (${nf.format(r.schedulesPerSec)}/s)`,
    ),
    f
      ? [
          h(
            'div',
            { class: 'actions' },
            h('button', { id: 'download-replay', type: 'button', onclick: () => onDownload() }, 'Download replay file'),
            h('span', { class: 'hint' }, 'replays exactly with ', h('code', null, cliReplayCommand(f.replayFile))),
          ),
        ]
      : null,
  );
}

/** The finding's kernel-style report, as the CLI prints it. */
export function renderReport(f: FindingView): VNode {
  return h(
    'section',
    { id: 'report', class: 'report-section', 'aria-labelledby': 'report-h' },
    h('h3', { id: 'report-h' }, 'Report'),
    h('pre', { id: 'report-text', class: 'report', tabindex: 0, 'aria-label': 'Kernel-style report' }, f.reportText),
  );
}
