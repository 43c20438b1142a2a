import { allocWork, destroyWorkqueue, initWork, queueWork } from '@quiesce/workqueue';
import { it } from 'vitest';
import { kernel, wqOf } from './helpers.js';
it('dbg', async () => {
  const k = kernel();
  const wq = wqOf(k, 'chain');
  let n = 0;
  const w = initWork(allocWork(k), async function forever(work) {
    n++;
    queueWork(wq, work);
  });
  k.spawn('user', async () => {
    queueWork(wq, w);
    const r = await destroyWorkqueue(wq);
    console.log('destroy ->', r);
  });
  const res = await k.runFor(1e9).catch((e) => { console.log('ERR', e); return null; });
  console.log('res', res?.reason, 'n', n, 'trace', k.traceLog.slice(-12).map((e) => `${e.ctx} ${e.ev} ${e.detail}`));
});
