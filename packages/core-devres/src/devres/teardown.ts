/**
 * The end of a binding: devres torn down, then the leak check.
 */
import type { Device } from '../device/device.js';
import { mightSleep } from '../kernel/might-sleep.js';
import { devresReleaseAll } from './devres.js';

/**
 * Releases all devres of `dev` in its unbind mode, then reports every
 * tracked resource still busy: unmanaged ones are leaks the driver forgot,
 * managed ones mean a fence did not hold. Each is a `leak-at-unbind` report.
 * Context: may sleep (annotated with might_sleep()).
 */
export async function releaseAllAndCheck(dev: Device): Promise<void> {
  mightSleep(dev.kernel, 'devres_release_all');
  await devresReleaseAll(dev);
  const k = dev.kernel;
  for (const r of dev.tracked.splice(0)) {
    if (!r.busy()) continue;
    k.sanitizer.report({
      kind: 'leak-at-unbind',
      title: `BUG: leak at unbind: ${r.description} still ${r.managed ? 'busy after its fence' : 'active'} on ${dev}`,
      resource: r.description,
      detail: r.managed
        ? `${r.description} is devres-managed but still armed, queued or running after release`
        : `${r.description} was acquired while bound, not registered with devres, and not undone by remove()`,
      stacks: { ...k.stack(), ...(r.acquiredStack !== undefined ? { acquired: r.acquiredStack } : {}) },
    });
  }
}
