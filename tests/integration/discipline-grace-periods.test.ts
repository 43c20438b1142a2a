// Issue 15: what an unbind costs in grace periods, per discipline, on the real
// edu driver: srcu-device waits one synchronize_srcu per device (whatever the
// device holds), c-revocable one per provider (the edu driver has one: BAR0),
// and the fenced discipline none.
import { Kernel, srcuGracePeriods } from '@quiesce/core-devres';
import { type Discipline, type EduWorld, eduScenario, type Teardown } from '@quiesce/edu-driver';
import { describe, expect, it } from 'vitest';

async function gracePeriods(discipline: Discipline, teardown: Teardown[]): Promise<number> {
  const s = eduScenario('gp', { discipline, teardown });
  const k = new Kernel({ seed: 5, strategy: 'random', cpus: 2 });
  s.setup(k);
  await k.runFor(s.runFor);
  expect(k.reports).toEqual([]);
  expect((s.world as EduWorld).teardownDone).toEqual(teardown);
  return srcuGracePeriods(k);
}

describe('SRCU grace periods per unbind', () => {
  it('srcu-device: one per unbound device (an unbind, then a rebind and its unbind)', async () => {
    expect(await gracePeriods('srcu-device', ['unbind'])).toBe(1);
    expect(await gracePeriods('srcu-device', ['rebind', 'unbind'])).toBe(2);
  });

  it('c-revocable: one per provider (BAR0), per unbind', async () => {
    expect(await gracePeriods('c-revocable', ['unbind'])).toBe(1);
    expect(await gracePeriods('c-revocable', ['rebind', 'unbind'])).toBe(2);
  });

  it('fenced and devres-access wait no SRCU grace period', async () => {
    expect(await gracePeriods('fenced', ['unbind'])).toBe(0);
    expect(await gracePeriods('devres-access', ['unbind'])).toBe(0);
  });
});
