// The size standard for packages/*/src (no file over 400 lines, no function
// over 80), enforced by scripts/check-size.mjs; the method is in its header.

import { describe, expect, it } from 'vitest';
import { checkSize, describeOffender, functionSizes, lineCount } from '../../scripts/check-size.mjs';

/**
 * Offenders that predate the check, each with its size when the check was
 * added: they may shrink or go, never grow. Empty since issue 17 split the
 * explorer (cli.ts main 130, explore.ts explore 215, shrink.ts 86 lines).
 */
const KNOWN: Record<string, number> = {};

describe('scripts/check-size.mjs', () => {
  it('counts lines and function spans the way its header says', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(2);
    const src = [
      '/** doc */', // 1: not counted
      'export function outer(): number {', // 2
      '  const inner = () => {', // 3
      '    return 1;', // 4
      '  };', // 5
      '  return inner();', // 6
      '}', // 7
      'class C {', // 8
      '  get x(): number {', // 9
      '    return 2;', // 10
      '  }', // 11
      '  m = (): number => 3;', // 12: expression body, not a function with a body
      '}', // 13
    ].join('\n');
    expect(functionSizes('x.ts', src)).toEqual([
      { name: 'outer', line: 2, lines: 6 },
      { name: 'inner', line: 3, lines: 3 },
      { name: 'x', line: 9, lines: 3 },
    ]);
  });

  it('no file in packages/*/src over 400 lines, no function over 80 (known offenders may only shrink)', () => {
    const offenders = checkSize();
    const stale = Object.keys(KNOWN).filter(
      (key) => !offenders.some((o) => `${o.file} ${o.name ?? ''}`.trim() === key),
    );
    if (stale.length > 0) console.warn(`check-size: fixed, drop from KNOWN: ${stale.join(', ')}`);
    const bad = offenders.filter((o) => {
      const known = KNOWN[`${o.file} ${o.name ?? ''}`.trim()];
      return known === undefined || o.lines > known;
    });
    expect(bad.map(describeOffender)).toEqual([]);
  });
});
