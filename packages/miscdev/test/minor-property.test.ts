import { isKernelError, Kernel } from '@quiesce/core-devres';
import { MISC_DYNAMIC_MINOR, type MiscDevice, miscDeregister, miscRegister } from '@quiesce/miscdev';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

type Op = { kind: 'reg'; minor: number; name: number } | { kind: 'dereg'; index: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('reg' as const),
    minor: fc.oneof(fc.constant(MISC_DYNAMIC_MINOR), fc.integer({ min: 0, max: 260 })),
    name: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({ kind: fc.constant('dereg' as const), index: fc.nat(20) }),
);

describe('minor allocation matches a model', () => {
  it('dynamic = lowest free ≥ 256; fixed > 255 EINVAL; taken EBUSY; duplicate name EEXIST', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), async (ops) => {
        const k = new Kernel();
        const live: MiscDevice[] = [];
        const used = new Set<number>();
        const names = new Set<string>();
        await k.exec('ops', async () => {
          for (const op of ops) {
            if (op.kind === 'dereg') {
              const m = live.splice(op.index % Math.max(live.length, 1), 1)[0];
              if (m === undefined) continue;
              used.delete(m.minor);
              names.delete(m.name);
              await miscDeregister(m);
              expect(m.minor <= MISC_DYNAMIC_MINOR).toBe(true);
              continue;
            }
            const misc: MiscDevice = { minor: op.minor, name: `d${op.name}`, fops: { owner: null } };
            let expected: string;
            let minor = op.minor;
            if (op.minor > MISC_DYNAMIC_MINOR) expected = 'EINVAL';
            else {
              if (op.minor === MISC_DYNAMIC_MINOR) {
                minor = 256;
                while (used.has(minor)) minor++;
              }
              if (op.minor !== MISC_DYNAMIC_MINOR && used.has(op.minor)) expected = 'EBUSY';
              else if (names.has(misc.name)) expected = 'EEXIST';
              else expected = 'ok';
            }
            let got = 'ok';
            try {
              await miscRegister(k, misc);
            } catch (e) {
              if (!isKernelError(e)) throw e;
              got = e.code;
            }
            expect(got).toBe(expected);
            if (got === 'ok') {
              expect(misc.minor).toBe(minor);
              used.add(minor);
              names.add(misc.name);
              live.push(misc);
            } else {
              expect(misc.minor).toBe(op.minor);
            }
          }
        });
      }),
      { numRuns: 150 },
    );
  });
});
