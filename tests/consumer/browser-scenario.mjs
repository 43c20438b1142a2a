// A scenario for the browser bundle (core-devres + pci-emu + hrtimer, bundled
// by esbuild with --platform=browser and run in a fresh `vm` context that has
// no Node globals). An edu driver polls its BAR from an hrtimer; remove()
// unmaps the BAR but forgets hrtimer_cancel(), so the next expiry reads
// unmapped MMIO: KASAN's use-after-remove, from the softirq.
//
// The result is left on globalThis.quiesceSmoke (a promise of lines), the only
// way out of a context without console.
import { formatReport, Kernel } from '@quiesce/core-devres';
import {
  CLOCK_MONOTONIC,
  HRTIMER_RESTART,
  HrTimer,
  HrtimerMode,
  hrtimerForwardNow,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import {
  EduDevice,
  pciAddDevice,
  pcimEnableDevice,
  pcimIomapRegion,
  pciRegisterDriver,
  pciRemoveDevice,
} from '@quiesce/pci-emu';

async function scenario() {
  const lines = [];
  const k = new Kernel({ cpus: 2, seed: 1 });
  let poller;
  await k.exec('init', () =>
    pciRegisterDriver(k, {
      name: 'edu',
      owner: null,
      idTable: [{ vendor: 0x1234, device: 0x11e8 }],
      async probe(pdev) {
        pcimEnableDevice(pdev);
        const io = pcimIomapRegion(pdev, 0, 'edu');
        class Poller extends HrTimer {
          reads = [];
        }
        poller = hrtimerSetup(
          k,
          new Poller(),
          function edu_poll(t) {
            t.reads.push(io.readl(0));
            hrtimerForwardNow(t, 1_000_000);
            return HRTIMER_RESTART;
          },
          CLOCK_MONOTONIC,
          HrtimerMode.REL,
          null,
        );
        hrtimerStart(poller, 1_000_000, HrtimerMode.REL);
      },
      remove() {}, // the bug: no hrtimer_cancel(&poller) before the BAR goes
    }),
  );
  // Not k.exec from here on: it runs until idle, and the periodic timer that
  // probe arms never lets the kernel go idle. Spawn, and run for a while.
  let pdev;
  k.spawn('hotplug', async () => {
    pdev = await pciAddDevice(k, new EduDevice());
  });
  await k.runFor(2_500_000);
  lines.push(`polls before remove: ${poller.reads.length}, id 0x${poller.reads[0].toString(16)}`);
  k.spawn('hotplug', () => pciRemoveDevice(pdev));
  await k.runFor(1_000_000);
  // The unbind check files the still-armed timer; the next expiry then reads
  // the unmapped BAR.
  for (const rep of k.reports) lines.push(`${rep.kind} of ${rep.resource}: ${formatReport(rep).split('\n')[1]}`);
  return lines;
}

globalThis.quiesceSmoke = scenario();
