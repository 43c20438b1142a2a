/**
 * Which findings count (the CLI's `--kind`): every kind, the memory-safety
 * kinds (freed memory or code used: what the bug × discipline matrix calls a
 * memory-safety finding, docs/disciplines.md), or one kind. A schedule's first
 * report is often the `leak-at-unbind` filed at the unbind that precedes the
 * bad access; counting only memory-safety kinds skips to the access.
 */
import { FINDING_KINDS } from '@quiesce/explorer/browser';

export const MEMORY_KINDS: readonly string[] = [
  'use-after-remove',
  'use-after-free',
  'double-free',
  'invalid-free',
  'execute-after-free',
  'double-release',
  'callback-after-fence',
];

/** The form's choices: `all`, `memory`, then each finding kind. */
export function kindChoices(): { value: string; label: string }[] {
  return [
    { value: 'all', label: 'every kind (the first report)' },
    { value: 'memory', label: 'memory safety (freed memory or code used)' },
    ...FINDING_KINDS.map((k) => ({ value: k, label: k })),
  ];
}

/** The request's `kinds` for a choice. Returns: undefined for `all`; `TypeError` for an unknown choice. */
export function kindsOf(choice: string): string[] | undefined {
  if (choice === 'all') return undefined;
  if (choice === 'memory') return [...MEMORY_KINDS];
  if ((FINDING_KINDS as readonly string[]).includes(choice)) return [choice];
  throw new TypeError(`kindsOf(): unknown kind choice ${JSON.stringify(choice)}`);
}

/**
 * The form's choice for a request's `kinds` (from a matrix cell, a link).
 * Returns: the one kind, `memory` for the memory-safety set, `all` for none.
 */
export function choiceOf(kinds: readonly string[] | undefined): string {
  if (kinds === undefined || kinds.length === 0) return 'all';
  if (kinds.length === 1 && (FINDING_KINDS as readonly string[]).includes(kinds[0] as string))
    return kinds[0] as string;
  const set = new Set(kinds);
  if (set.size === MEMORY_KINDS.length && MEMORY_KINDS.every((k) => set.has(k))) return 'memory';
  // Several kinds the form has no choice for: the nearest superset it offers.
  return kinds.every((k) => MEMORY_KINDS.includes(k)) ? 'memory' : 'all';
}
