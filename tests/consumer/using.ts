// `using` / `await using` against the core's scopes, in a consumer whose lib
// has explicit resource management (esnext.disposable, or @types/node): the
// scopes' symbol types must be the consumer's Symbol.dispose/asyncDispose.
import { BusType, bindScope, Device, devresAdd, devresGroupScope, Kernel, Revocable } from '@quiesce/core-devres';

const log = (globalThis as unknown as { console: { log(...args: unknown[]): void } }).console.log;

const k = new Kernel();
const bus = new BusType(k, 'smoke');
const dev = new Device(k, 'smoke0', bus);
const released: string[] = [];
const driver = {
  name: 'smoke-drv',
  owner: null,
  async probe(d: Device): Promise<void> {
    devresAdd(d, { name: 'probe resource', release: () => void released.push('probe resource') });
  },
};

await k.exec('probe', async () => {
  await using b = await bindScope(dev, driver);
  {
    await using g = devresGroupScope(b.bound.dev);
    devresAdd(dev, { name: 'failed step', release: () => void released.push('failed step') });
    void g; // not kept: released at scope exit
  }
  released.push('-- group closed');
});
const r = new Revocable(k, 7, 'smoke revocable');
let seen = 0;
{
  using guard = r.tryAccessWithGuard();
  seen = guard?.value ?? -1;
}
const revoked = await k.exec('revoke', async () => {
  await r.revoke();
  return r.tryAccess();
});
log(`using: released [${released.join(', ')}]; guard saw ${seen}; after revoke ${revoked}`);
