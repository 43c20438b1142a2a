/**
 * The explorer form: discipline, mistake, teardown, strategy, budget, seed,
 * workers; Run / Cancel; open a replay file. Native controls only, so tab
 * order, Enter and Space work as the browser makes them work.
 */
import type { Catalogue } from '../engine/api.js';
import { h, type VNode } from './dom.js';
import { kindChoices } from './kinds.js';
import { BOUND_MAX, BUDGET_MAX, BUDGET_MIN, type Selection } from './state.js';

export interface ControlsHandlers {
  field(name: string, value: string): void;
  run(): void;
  cancel(): void;
  openFile(file: File): void;
}

function field(id: string, label: string, control: VNode, hint?: string): VNode {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : null,
  );
}

function select(
  id: string,
  name: string,
  value: string,
  options: { value: string; label: string }[],
  on: ControlsHandlers,
  describedBy?: string,
): VNode {
  return h(
    'select',
    {
      id,
      name,
      value,
      'aria-describedby': describedBy,
      onchange: (ev: Event) => on.field(name, (ev.target as HTMLSelectElement).value),
    },
    options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)),
  );
}

function numberInput(id: string, name: string, value: number, min: number, max: number, on: ControlsHandlers): VNode {
  return h('input', {
    id,
    name,
    type: 'number',
    inputmode: 'numeric',
    min,
    max,
    step: 1,
    value,
    onchange: (ev: Event) => on.field(name, (ev.target as HTMLInputElement).value),
  });
}

/** The form. `running` disables the inputs and Run, and enables Cancel. */
export function renderControls(cat: Catalogue, sel: Selection, running: boolean, on: ControlsHandlers): VNode {
  const discipline = cat.disciplines.find((d) => d.id === sel.discipline);
  const mistake = cat.mistakes.find((m) => m.bug === sel.bug);
  const budgetLabel = sel.strategy === 'exhaustive' ? 'Schedules (at most)' : 'Budget (schedules)';
  return h(
    'form',
    {
      id: 'controls',
      class: 'controls',
      'aria-label': 'Exploration',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        // A number typed but not yet committed (no change event: Enter in the
        // field submits) is what the user sees: take every field as shown.
        const form = ev.currentTarget as HTMLFormElement | null;
        if (form && typeof FormData === 'function') {
          for (const [name, value] of new FormData(form)) if (typeof value === 'string') on.field(name, value);
        }
        on.run();
      },
    },
    h(
      'fieldset',
      { disabled: running },
      h('legend', null, 'Scenario'),
      field(
        'f-discipline',
        'Discipline',
        select(
          'f-discipline',
          'discipline',
          sel.discipline,
          cat.disciplines.map((d) => ({ value: d.id, label: `${d.id} — ${d.title}` })),
          on,
          'f-discipline-hint',
        ),
        discipline?.summary,
      ),
      field(
        'f-bug',
        'Mistake',
        select(
          'f-bug',
          'bug',
          sel.bug === null ? 'none' : String(sel.bug),
          [
            { value: 'none', label: 'none (the correct driver)' },
            ...cat.mistakes.map((m) => ({ value: String(m.bug), label: `bug ${m.bug}: ${m.title}` })),
          ],
          on,
          'f-bug-hint',
        ),
        mistake?.mistake,
      ),
      field(
        'f-teardown',
        'Teardown',
        select(
          'f-teardown',
          'teardown',
          sel.teardown,
          cat.teardowns.map((t) => ({ value: t.id, label: t.title })),
          on,
        ),
      ),
    ),
    h(
      'fieldset',
      { disabled: running },
      h('legend', null, 'Search'),
      field(
        'f-strategy',
        'Strategy',
        select(
          'f-strategy',
          'strategy',
          sel.strategy,
          cat.strategies.map((s) => ({ value: s.id, label: s.title })),
          on,
        ),
      ),
      field('f-budget', budgetLabel, numberInput('f-budget', 'budget', sel.budget, BUDGET_MIN, BUDGET_MAX, on)),
      sel.strategy === 'exhaustive'
        ? field('f-bound', 'Preemption bound', numberInput('f-bound', 'bound', sel.bound, 0, BOUND_MAX, on))
        : null,
      field('f-seed', 'First seed', numberInput('f-seed', 'seed', sel.seed, 0, 0xffff_ffff, on)),
      field('f-workers', 'Workers', numberInput('f-workers', 'workers', sel.workers, 1, 64, on)),
      field(
        'f-kinds',
        'Reports that count',
        select('f-kinds', 'kinds', sel.kinds, kindChoices(), on, 'f-kinds-hint'),
        'as the CLI’s --kind',
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { id: 'run', type: 'submit', class: 'primary', disabled: running }, 'Run'),
      h('button', { id: 'cancel', type: 'button', disabled: !running, onclick: () => on.cancel() }, 'Cancel'),
      h(
        'label',
        { class: 'file', for: 'open-replay' },
        'Open replay file…',
        h('input', {
          id: 'open-replay',
          type: 'file',
          accept: '.json,application/json',
          disabled: running,
          onchange: (ev: Event) => {
            const input = ev.target as HTMLInputElement;
            const file = input.files?.[0];
            if (file) on.openFile(file);
          },
        }),
      ),
    ),
  );
}
