// Bug 10's other half: the revocable driver whose timer outlives the binding
// is an execute-after-free at unload unless the module is pinned; pinned,
// delete_module refuses with -EWOULDBLOCK and the guarded callback keeps
// running harmlessly.
import { Kernel } from '@quiesce/core-devres';
import { bug10, variantScenario } from '@quiesce/edu-buggy';
import { eduScenario } from '@quiesce/edu-driver';
import { findModule } from '@quiesce/module-loader';
import { describe, expect, it } from 'vitest';

describe('revocable timer past unbind', () => {
  it('not pinned: the unload makes its next expiry an execute-after-free', async () => {
    const k = new Kernel({ seed: 1 });
    const s = variantScenario(bug10);
    s.setup(k);
    await k.runFor(s.runFor);
    expect(findModule(k, 'edu')).toBeNull();
    const kinds = new Set(k.reports.map((r) => r.kind));
    expect(kinds.has('execute-after-free')).toBe(true);
    // Data stayed guarded: no access to the unmapped BAR.
    expect(kinds.has('use-after-remove')).toBe(false);
  });

  it('pinned: delete_module is refused, the callback stays guarded, no execute-after-free', async () => {
    const k = new Kernel({ seed: 1 });
    const s = eduScenario('bug10-pinned', {
      discipline: 'revocable',
      options: { revocableTimer: 'leaked', pinModule: true },
      teardown: ['unbind', 'rmmod'],
      runForNs: 80_000_000,
    });
    s.setup(k);
    await k.runFor(s.runFor);
    const mod = findModule(k, 'edu');
    expect(mod?.state).toBe('LIVE');
    expect(k.reports.filter((r) => r.kind === 'execute-after-free')).toEqual([]);
    expect(k.reports.filter((r) => r.kind === 'use-after-remove')).toEqual([]);
    // The leaked timer is still polling (and finding nothing) after unbind.
    expect(s.world?.priv?.timer?.expiries ?? 0).toBeGreaterThan(40);
  });
});
