// docs/design.md §6 / issue 9: each correct discipline survives unbind, rebind,
// module unload/reload and surprise removal while users hammer /dev/edu and
// timers and IRQs fire, over many seeds, with zero sanitizer reports and
// every resource released.
import { isKernelError } from '@quiesce/core-devres';
import { type Discipline, EDU_IOC_READ_ID, type EduWorld, eduScenario, type Teardown } from '@quiesce/edu-driver';
import { hrtimerActive } from '@quiesce/hrtimer';
import { miscRegistered, open } from '@quiesce/miscdev';
import { findModule } from '@quiesce/module-loader';
import { EDU_ID } from '@quiesce/pci-emu';
import { delayedWorkPending, workBusy } from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { execFor, explain, runScenario, strategyOf } from './helpers.js';

const DISCIPLINES: readonly Discipline[] = [
  'fenced',
  'revocable',
  'kernel',
  'devres-access',
  'srcu-device',
  'c-revocable',
];
const TEARDOWNS: readonly (readonly Teardown[])[] = [
  ['unbind'],
  ['rebind'],
  ['rmmod'],
  ['reload'],
  ['surprise'],
  ['unbind', 'rmmod'],
];
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** The driver let go of everything it held on the device. */
function assertReleased(w: EduWorld, why: string): void {
  const priv = w.priv;
  expect(priv, why).not.toBeNull();
  if (priv === null) return;
  if (priv.timer !== null) expect(hrtimerActive(priv.timer), `${why}: poll timer still active`).toBe(false);
  if (priv.work !== null) {
    expect(delayedWorkPending(priv.work), `${why}: work still pending`).toBe(false);
    expect(workBusy(priv.work.work), `${why}: work still busy`).toBe(0);
  }
  if (priv.misc !== null) expect(miscRegistered(priv.misc), `${why}: /dev/edu still registered`).toBe(false);
  const io = priv.io ?? null;
  if (io !== null) expect(io.isReleased, `${why}: BAR0 still mapped`).toBe(true);
  if (priv.bar !== null) expect(priv.bar.isRevoked(), `${why}: Devres BAR0 not revoked`).toBe(true);
  if (priv.ddev !== null) expect(priv.ddev.unplugged, `${why}: DRM device not unplugged`).toBe(true);
  if (priv.provider !== null) expect(priv.provider.res, `${why}: revocable provider not revoked`).toBeNull();
  expect(w.pdev?.resources[0]?.owner ?? null, `${why}: BAR0 region still requested`).toBeNull();
}

describe('correct edu drivers survive teardown under random and PCT schedules', () => {
  for (const discipline of DISCIPLINES) {
    for (const teardown of TEARDOWNS) {
      it(`${discipline}: ${teardown.join(' + ')}`, async () => {
        let ioctls = 0;
        for (const seed of SEEDS) {
          const s = eduScenario(`edu-${discipline}`, { discipline, teardown, persistentUsers: seed % 3 === 0 });
          const r = await runScenario(s, seed, strategyOf(seed));
          const w = s.world as EduWorld;
          expect(r.k.reports, explain(r, 'sanitizer reports')).toEqual([]);
          expect(w.teardownDone, explain(r, 'teardown did not finish')).toEqual([...teardown]);
          ioctls += w.ioctls;
          const rebound = teardown.includes('rebind') || teardown.includes('reload');
          if (!rebound) assertReleased(w, `seed ${seed}`);
          if (teardown.includes('rmmod')) {
            expect(findModule(r.k, 'edu'), `seed ${seed}: module still loaded`).toBeNull();
            const stats = w.state.stats;
            expect(stats !== null && hrtimerActive(stats), `seed ${seed}: stats timer still armed`).toBe(false);
          }
          if (rebound) {
            // The device works again: a fresh open reads the edu identification register.
            const id = await execFor(r.k, 'check', async () => {
              const f = await open(r.k, '/dev/edu');
              try {
                return await f.ioctl(EDU_IOC_READ_ID, 0);
              } finally {
                await f.close();
              }
            });
            expect(id, explain(r, 'rebound device')).toBe(EDU_ID);
          }
          if (teardown.includes('surprise')) {
            // The device is gone: /dev/edu no longer opens.
            const err = await execFor(r.k, 'check', async () =>
              open(r.k, '/dev/edu').then(
                () => null,
                (e: unknown) => e,
              ),
            );
            expect(
              isKernelError(err, 'ENOENT') || isKernelError(err, 'ENODEV'),
              explain(r, 'open after surprise'),
            ).toBe(true);
          }
        }
        // The users did real work before the teardown hit them.
        expect(ioctls).toBeGreaterThan(SEEDS.length);
      });
    }
  }
});
