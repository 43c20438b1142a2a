/**
 * Which findings count (the CLI's `--kind`): every kind, the memory-safety
 * kinds (the explorer's `memory` class: freed or out-of-bounds memory, or
 * freed code, used; docs/explorer.md, "Kinds and classes"), or one kind. A
 * schedule's first report is often the `leak-at-unbind` filed at the unbind
 * that precedes the bad access; counting only memory-safety kinds skips to
 * the access. The bug × discipline matrix counts a subset of this class
 * (docs/disciplines.md), so a matrix cell's kinds map to the `memory` choice.
 */
import { FINDING_KINDS, findingKindsOfClass } from '@quiesce/explorer/browser';

/** The `memory` choice's kinds: the explorer's `memory` class, in `FINDING_KINDS` order. */
export const MEMORY_KINDS: readonly string[] = findingKindsOfClass('memory');

/** The form's choices: `all`, `memory`, then each finding kind. */
export function kindChoices(): { value: string; label: string }[] {
  return [
    { value: 'all', label: 'every kind (the first report)' },
    { value: 'memory', label: 'memory safety (freed or out-of-bounds memory, freed code)' },
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
