/**
 * Step-through replay of the finding: one ftrace-style line per step, Prev /
 * Next buttons, and the keyboard on the step list (arrow keys, Home, End,
 * PageUp/PageDown by ten). The current step is `aria-current` and moves the
 * timeline's cursor.
 */
import type { ReplayStep } from '../engine/api.js';
import { h, type VNode } from './dom.js';
import { formatNs } from './timeline.js';

export interface StepHandlers {
  step(delta: number): void;
  goTo(index: number): void;
  /**
   * A key on the step list; true when it moved the cursor. Resolved against
   * the controller's current step, not this render's: two keys pressed
   * within one frame both count.
   */
  key(key: string): boolean;
}

/** The step a key moves to from `current` of `count`, or null for a key that is not ours. */
export function stepForKey(key: string, current: number, count: number): number | null {
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
    case 'j':
      return Math.min(count - 1, current + 1);
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'k':
      return Math.max(0, current - 1);
    case 'PageDown':
      return Math.min(count - 1, current + 10);
    case 'PageUp':
      return Math.max(0, current - 10);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** Returns: the step-through section (with "no steps" when the finding has none). */
export function renderSteps(steps: ReplayStep[], current: number, on: StepHandlers): VNode {
  const n = steps.length;
  const cur = steps[current];
  return h(
    'section',
    { id: 'steps', class: 'steps', 'aria-labelledby': 'steps-h' },
    h('h3', { id: 'steps-h' }, 'Step-through replay'),
    n === 0
      ? h('p', null, 'This finding has no steps to walk through.')
      : [
          h(
            'div',
            { class: 'step-nav' },
            h(
              'button',
              {
                id: 'step-prev',
                type: 'button',
                disabled: current <= 0,
                onclick: () => on.step(-1),
                'aria-label': 'Previous step',
              },
              '◀ Prev',
            ),
            h(
              'span',
              { id: 'step-pos', 'aria-live': 'polite' },
              `Step ${current + 1} of ${n}`,
              cur ? ` · ${formatNs(cur.atNs)} · CPU ${cur.cpu} · ${cur.task}` : '',
            ),
            h(
              'button',
              {
                id: 'step-next',
                type: 'button',
                disabled: current >= n - 1,
                onclick: () => on.step(1),
                'aria-label': 'Next step',
              },
              'Next ▶',
            ),
          ),
          h('p', { id: 'step-current', class: 'step-current' }, cur ? h('code', null, cur.text) : ''),
          h(
            'ol',
            {
              id: 'step-list',
              class: 'step-list',
              start: 0,
              tabindex: 0,
              role: 'listbox',
              'aria-label': 'Steps (arrow keys move, Home and End jump)',
              'aria-activedescendant': `step-${current}`,
              onkeydown: (ev: Event) => {
                if (on.key((ev as KeyboardEvent).key)) ev.preventDefault();
              },
            },
            steps.map((s, i) =>
              h(
                'li',
                {
                  id: `step-${i}`,
                  role: 'option',
                  'aria-selected': i === current ? 'true' : 'false',
                  'aria-current': i === current ? 'step' : null,
                  class: i === current ? 'current' : null,
                  onclick: () => on.goTo(i),
                },
                s.text,
              ),
            ),
          ),
        ],
  );
}
