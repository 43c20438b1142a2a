// The classification of finding kinds (src/finding.ts, docs/explorer.md
// "Kinds and classes"): every kind has exactly one class, the classes are
// the ones a kernel engineer sorts reports by, and the browser entry and the
// Node entry export the same table.
import * as node from '@quiesce/explorer';
import { describe, expect, it } from 'vitest';
import * as browser from '../src/browser.js';
import { parseCommand } from '../src/cli/args.js';
import {
  FINDING_KIND_CLASS,
  FINDING_KIND_CLASSES,
  FINDING_KINDS,
  type FindingKind,
  type FindingKindClass,
  findingKindsOfClass,
} from '../src/finding.js';

/**
 * Written out from what each report means in the kernel, not from the table:
 * KASAN's reports and their devres/module/fence analogues are memory safety;
 * might_sleep, a bad MMIO offset and WARN are API misuse; lockdep and
 * khungtaskd are lock reports; kmemleak and devres left at unbind are
 * lifetimes; an oops or a run that never idles says nothing of its cause.
 */
const EXPECTED: Record<FindingKindClass, string[]> = {
  memory: [
    'use-after-remove',
    'use-after-free',
    'slab-out-of-bounds',
    'double-free',
    'invalid-free',
    'execute-after-free',
    'double-release',
    'callback-after-fence',
  ],
  misuse: ['sleep-in-atomic', 'invalid-mmio', 'warn'],
  lock: ['deadlock', 'hung-task', 'possible-circular-locking'],
  lifecycle: ['leak-at-unbind', 'memory-leak'],
  other: ['oops', 'hang'],
};

describe('finding kind classes', () => {
  it('every FindingKind has one class of FINDING_KIND_CLASSES', () => {
    expect(Object.keys(FINDING_KIND_CLASS).sort()).toEqual([...FINDING_KINDS].sort());
    for (const k of FINDING_KINDS) expect(FINDING_KIND_CLASSES).toContain(FINDING_KIND_CLASS[k]);
    // The classes partition the kinds: each kind in exactly one class's list.
    const all = FINDING_KIND_CLASSES.flatMap((c) => findingKindsOfClass(c));
    expect(all.length).toBe(FINDING_KINDS.length);
    expect(new Set(all)).toEqual(new Set(FINDING_KINDS));
  });

  it('each class holds the kinds its kernel reports mean, in FINDING_KINDS order', () => {
    expect([...FINDING_KIND_CLASSES]).toEqual(['memory', 'misuse', 'lock', 'lifecycle', 'other']);
    for (const c of FINDING_KIND_CLASSES) expect(findingKindsOfClass(c), c).toEqual(EXPECTED[c]);
    for (const [c, kinds] of Object.entries(EXPECTED))
      for (const k of kinds) expect(FINDING_KIND_CLASS[k as FindingKind], k).toBe(c);
  });

  it('findingKindsOfClass returns a fresh array and names itself for a bad class', () => {
    const a = findingKindsOfClass('memory');
    a.pop();
    expect(findingKindsOfClass('memory')).toHaveLength(8);
    expect(() => findingKindsOfClass('memroy' as FindingKindClass)).toThrow(
      new TypeError('findingKindsOfClass(): c must be one of memory, misuse, lock, lifecycle, other (got memroy)'),
    );
    expect(Object.isFrozen(FINDING_KIND_CLASS)).toBe(true);
  });

  it('the browser entry and the Node entry export the same classification', () => {
    // `@quiesce/explorer` is the Node entry (index.ts), `../src/browser.js` the browser entry.
    for (const entry of [node, browser] as const) {
      expect(entry.FINDING_KIND_CLASS).toBe(FINDING_KIND_CLASS);
      expect(entry.FINDING_KIND_CLASSES).toBe(FINDING_KIND_CLASSES);
      expect(entry.findingKindsOfClass).toBe(findingKindsOfClass);
      for (const c of FINDING_KIND_CLASSES) expect(entry.findingKindsOfClass(c)).toEqual(EXPECTED[c]);
    }
  });

  it('--kind takes a class for its kinds, mixed with kinds, without duplicates', () => {
    const kindsOf = (...argv: string[]) => {
      const c = parseCommand(['scenario.mjs', ...argv]);
      return c.cmd === 'explore' ? c.kinds : null;
    };
    expect(kindsOf('--kind', 'lock')).toEqual(['deadlock', 'hung-task', 'possible-circular-locking']);
    expect(kindsOf('--kind', 'warn,lifecycle', '--kind', 'memory-leak')).toEqual([
      'warn',
      'leak-at-unbind',
      'memory-leak',
    ]);
    expect(kindsOf('--kind', 'memory')).toEqual(EXPECTED.memory);
    expect(() => parseCommand(['scenario.mjs', '--kind', 'locks'])).toThrow(
      /--kind must be one of .* or a class \(memory, misuse, lock, lifecycle, other\) \(got locks\)/,
    );
  });
});
