// The C revocable API (drivers/base/revocable.c as posted 2025-2026): a
// provider holds a pointer; consumers enter its SRCU section and get the
// pointer or NULL once revoked; revoking clears it and waits synchronize_srcu.
import {
  deviceBind,
  deviceReleaseDriver,
  devmRevocableProviderAlloc,
  msleep,
  type RevocableProvider,
  revocableAlloc,
  revocableIsRevoked,
  revocableProviderAlloc,
  revocableRevoke,
  revocableScoped,
  revocableScopedAsync,
  revocableTryAccess,
  revocableWithdrawAccess,
  srcuGracePeriods,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

const GP = 1_000_000;

describe('C revocable: provider / consumer', () => {
  it('try_access gives the pointer, NULL once revoked; revoke waits for a sleeping reader', async () => {
    const { k } = world();
    const res = { regs: 1 };
    const rp = revocableProviderAlloc(k, res, 'bar0');
    const log: string[] = [];
    k.spawn('consumer', async () => {
      const rev = revocableAlloc(rp);
      const p = revocableTryAccess(rev);
      log.push(`got ${p === res}`);
      await msleep(k, 10); // readers may sleep
      revocableWithdrawAccess(rev);
      log.push(`withdrawn@${k.now}`);
    });
    k.spawn('provider', async () => {
      await msleep(k, 1);
      expect(await revocableRevoke(rp)).toBe(true);
      log.push(`revoked@${k.now}`);
      expect(await revocableRevoke(rp)).toBe(false);
    });
    k.spawn('late', async () => {
      await msleep(k, 2);
      log.push(`late ${revocableScoped(rp, (p) => p)}`);
    });
    await k.run();
    expect(log).toEqual(['got true', 'late null', 'withdrawn@10000000', 'revoked@10000000']);
    expect(revocableIsRevoked(rp)).toBe(true);
    expect(rp.srcu.readers).toBe(0);
    expect(k.reports).toEqual([]);
  });

  it('usable from atomic context: a scoped access in an interrupt', async () => {
    const { k } = world();
    const rp = revocableProviderAlloc(k, 42, 'irqdata');
    const seen: (number | null)[] = [];
    k.raise('irq', 0, () => seen.push(revocableScoped(rp, (v) => v)));
    await k.run();
    await k.exec('revoke', () => revocableRevoke(rp));
    k.raise('irq', 0, () => seen.push(revocableScoped(rp, (v) => v)));
    await k.run();
    expect(seen).toEqual([42, null]);
    expect(k.reports).toEqual([]);
  });

  it('one grace period per provider: three providers cost three', async () => {
    const { k } = world();
    const rps: RevocableProvider<number>[] = [1, 2, 3].map((n) => revocableProviderAlloc(k, n, `r${n}`));
    const t = await k.exec('revoke all', async () => {
      for (const rp of rps) await revocableRevoke(rp);
      return k.now;
    });
    expect(t).toBe(3 * GP);
    expect(srcuGracePeriods(k)).toBe(3);
  });

  it('a scoped async access spans its sleeps and delays the revoke', async () => {
    const { k } = world();
    const rp = revocableProviderAlloc(k, 'x', 'buf');
    let revokedAt = -1;
    k.spawn('reader', () =>
      revocableScopedAsync(rp, async (p) => {
        expect(p).toBe('x');
        await msleep(k, 4);
      }),
    );
    k.spawn('revoke', async () => {
      await revocableRevoke(rp);
      revokedAt = k.now;
    });
    await k.run();
    expect(revokedAt).toBe(4_000_000);
  });

  it('one consumer shared by two contexts overwrites the SRCU index: warned, and the revoke never completes', async () => {
    const { k } = world();
    const rp = revocableProviderAlloc(k, 1, 'shared');
    const rev = revocableAlloc(rp);
    revocableTryAccess(rev);
    revocableTryAccess(rev); // a second context on the same consumer
    revocableWithdrawAccess(rev);
    expect(k.reports.map((r) => r.kind)).toEqual(['warn']);
    const t = k.spawn('revoke', () => revocableRevoke(rp).then(() => undefined));
    await k.runFor(100 * GP);
    expect(t.exited).toBe(false);
    expect(rp.srcu.readers).toBe(1);
  });

  it('devm provider: revoked at unbind, then its release runs', async () => {
    const w = world();
    const log: string[] = [];
    let rp: RevocableProvider<string> | null = null;
    await w.k.exec('t', async () => {
      await deviceBind(
        w.dev,
        driver('dev0', (dev) => {
          rp = devmRevocableProviderAlloc(dev, 'regs', 'bar0', (r) =>
            log.push(`release ${r} revoked=${revocableIsRevoked(rp as unknown as RevocableProvider<string>)}`),
          );
        }),
      );
      await deviceReleaseDriver(w.dev);
    });
    expect(log).toEqual(['release regs revoked=true']);
    expect(w.k.now).toBe(GP);
  });
});
