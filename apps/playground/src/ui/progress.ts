/** The run's progress bar and counters (a live region, so a screen reader hears the end). */
import type { Progress } from '../engine/api.js';
import { h, type VNode } from './dom.js';

const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Returns: the progress section, or null before any run. */
export function renderProgress(p: Progress | null, running: boolean, stoppedAtFinding = false): VNode | null {
  if (!p) return null;
  const total = Math.max(1, p.total);
  const done = Math.min(p.done, total);
  const pct = Math.round((100 * done) / total);
  return h(
    'section',
    { id: 'progress', class: 'progress', 'aria-label': 'Progress' },
    h('progress', {
      id: 'progress-bar',
      max: total,
      value: done,
      'aria-valuemin': 0,
      'aria-valuemax': total,
      'aria-valuenow': done,
      'aria-label': 'Schedules explored',
    }),
    h(
      'p',
      { class: 'counters', 'aria-live': running ? 'off' : 'polite', 'data-running': running },
      `${nf.format(p.done)} / ${nf.format(p.total)} schedules (${pct}%) · ${nf.format(p.schedulesPerSec)} schedules/s · ${p.findings} finding${p.findings === 1 ? '' : 's'}`,
      running ? ' · running…' : stoppedAtFinding && p.done < p.total ? ' · stopped at the first finding' : '',
    ),
  );
}
