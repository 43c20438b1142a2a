import { Completion, Kernel, Mutex, msleep } from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';

describe('smoke', () => {
  it('runs tasks and sleeps', async () => {
    const k = new Kernel();
    const log: string[] = [];
    const c = new Completion(k, 'c');
    k.spawn('a', async () => {
      log.push(`a0@${k.now}`);
      await msleep(k, 5);
      log.push(`a1@${k.now}`);
      c.complete();
    });
    k.spawn('b', async () => {
      await c.waitForCompletion();
      log.push(`b@${k.now}`);
    });
    const r = await k.run();
    expect(r.reason).toBe('idle');
    expect(log).toEqual(['a0@0', 'a1@5000000', 'b@5000000']);
  });
  it('mutex', async () => {
    const k = new Kernel({ strategy: 'random', seed: 3 });
    const m = new Mutex(k, 'm');
    let inside = 0;
    let max = 0;
    for (let i = 0; i < 5; i++)
      k.spawn(`t${i}`, async () => {
        await m.lock();
        inside++;
        max = Math.max(max, inside);
        await k.yield();
        inside--;
        m.unlock();
      });
    await k.run();
    expect(max).toBe(1);
  });
});
