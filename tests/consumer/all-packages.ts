// A consumer program that uses all seven public packages through their
// published entry points (the consumer smoke test type-checks it with
// TypeScript 5.9 and 7, strict, nodenext, skipLibCheck off, with and without
// @types/node, then runs it). Each line it prints is checked against a value
// that comes from kernel semantics, the edu device's spec or arithmetic.
import { Kernel, KernelError } from '@quiesce/core-devres';
import { explore, replay } from '@quiesce/explorer';
import { buggy } from '@quiesce/explorer/scenarios/toy.mjs';
import {
  CLOCK_MONOTONIC,
  HRTIMER_RESTART,
  HrTimer,
  HrtimerMode,
  hrtimerCancel,
  hrtimerForwardNow,
  hrtimerSetup,
  hrtimerStart,
} from '@quiesce/hrtimer';
import { MISC_DYNAMIC_MINOR, miscDeregister, miscRegister, open } from '@quiesce/miscdev';
import { defineModule, deleteModule, loadModule, O_NONBLOCK } from '@quiesce/module-loader';
import {
  EDU_REG_FACT,
  EDU_REG_STATUS,
  EduDevice,
  type IoMem,
  pciAddDevice,
  pcimEnableDevice,
  pcimIomapRegion,
  pciRegisterDriver,
} from '@quiesce/pci-emu';
import { allocWork, allocWorkqueue, cancelWorkSync, initWork, queueWork } from '@quiesce/workqueue';

// No @types/node and no DOM lib needed: reach console through globalThis.
const log = (globalThis as unknown as { console: { log(...args: unknown[]): void } }).console.log;

async function pci(): Promise<void> {
  const k = new Kernel();
  let io: IoMem | undefined;
  await k.exec('init', () =>
    pciRegisterDriver(k, {
      name: 'edu',
      owner: null,
      idTable: [{ vendor: 0x1234, device: 0x11e8 }],
      async probe(pdev) {
        pcimEnableDevice(pdev);
        io = pcimIomapRegion(pdev, 0, 'edu');
      },
    }),
  );
  await k.exec('hotplug', () => pciAddDevice(k, new EduDevice()));
  if (io === undefined) throw new Error('edu probe did not run');
  const bar = io;
  bar.writel(13, EDU_REG_FACT);
  await k.run();
  // The edu device computes the factorial in 32 bits: 13! mod 2^32.
  log(
    `pci-emu: id 0x${bar.readl(0).toString(16)}, fact(13) = ${bar.readl(EDU_REG_FACT)}, status ${bar.readl(EDU_REG_STATUS) & 1}`,
  );
}

async function hrtimer(): Promise<void> {
  const k = new Kernel({ cpus: 2 });
  class Poller extends HrTimer {
    ticks = 0;
  }
  const poller = hrtimerSetup(
    k,
    new Poller(),
    function poll(t) {
      t.ticks++;
      hrtimerForwardNow(t, 1_000_000);
      return HRTIMER_RESTART;
    },
    CLOCK_MONOTONIC,
    HrtimerMode.REL,
    null,
  );
  hrtimerStart(poller, 1_000_000, HrtimerMode.REL);
  await k.runFor(5_500_000);
  const queued = await k.exec('remove', () => hrtimerCancel(poller));
  log(`hrtimer: ${poller.ticks} ticks in 5.5 ms, hrtimer_cancel = ${queued}`);
}

async function workqueue(): Promise<void> {
  const k = new Kernel();
  const wq = allocWorkqueue(k, 'smoke_wq', 0, 0);
  if (wq === null) throw new Error('alloc_workqueue failed');
  let runs = 0;
  const work = initWork(allocWork(k), async function smoke(): Promise<void> {
    runs++;
  });
  const [first, second] = await k.exec('user', () => [queueWork(wq, work), queueWork(wq, work)] as const);
  await k.run();
  const pending = await k.exec('user', () => cancelWorkSync(work));
  log(`workqueue: queue_work ${first}/${second}, ran ${runs}, cancel_work_sync = ${pending}`);
}

async function miscdev(): Promise<void> {
  const k = new Kernel();
  const misc = {
    minor: MISC_DYNAMIC_MINOR,
    name: 'smoke',
    mode: 'fenced' as const,
    fops: { owner: null, unlockedIoctl: async (_f: unknown, cmd: number) => (cmd === 1 ? 42 : -25) },
  };
  const line = await k.exec('user', async () => {
    await miscRegister(k, misc);
    const fd = await open(k, '/dev/smoke');
    const got = await fd.ioctl(1);
    await miscDeregister(misc);
    let after = 'no error';
    try {
      await fd.ioctl(1);
    } catch (e) {
      after = e instanceof KernelError ? e.code : String(e);
    }
    await fd.close();
    return `miscdev: ioctl = ${got}, after misc_deregister: ${after}`;
  });
  log(line);
}

async function moduleLoader(): Promise<void> {
  const k = new Kernel();
  const line = await k.exec('shell', async () => {
    const mod = await loadModule(k, defineModule({ name: 'smoke', init: () => {}, exit: () => {} }));
    mod.tryGet();
    let busy = 'unloaded';
    try {
      await deleteModule(k, 'smoke', O_NONBLOCK);
    } catch (e) {
      busy = e instanceof KernelError ? e.code : String(e);
    }
    mod.put();
    await deleteModule(k, 'smoke', O_NONBLOCK);
    return `module-loader: rmmod while held: ${busy}, then ${mod.state}, text freed ${mod.textFreed}`;
  });
  log(line);
}

async function explorer(): Promise<void> {
  const r = await explore(buggy, { strategy: 'exhaustive', preemptions: 2 });
  const bug = r.findings[0];
  if (bug === undefined) throw new Error(`explorer found nothing: ${r.summary}`);
  const again = await replay(buggy, bug.shrunk, { seed: bug.seed });
  log(
    `explorer: ${bug.finding.kind} on ${bug.finding.resource}, replay ${again.finding?.title === bug.finding.title ? 'reproduces' : 'differs'}`,
  );
}

await pci();
await hrtimer();
await workqueue();
await miscdev();
await moduleLoader();
await explorer();
