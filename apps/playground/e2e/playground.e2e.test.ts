// The built playground (apps/playground/dist, `pnpm build` first) in Debian's
// chromium, headless, through playwright-core: bug 4 of the catalogue (a
// self-requeueing work cancelled with cancel_delayed_work, not _sync) under
// `fenced` and under `revocable`. Fenced: the work's readl runs after
// remove() unmapped BAR0, a use-after-remove, highlighted in the timeline.
// Revocable: the same readl finds the BAR revoked, so no report in the
// budget (docs/bug-catalogue.md, bug 4; the matrix's verdict "prevented").
// A missing chromium fails the test: CI installs it (.ci/run).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, launchChromium, OUT, serveStatic } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'packages/explorer/dist/cli.js');
const RUN_TIMEOUT = 240_000;

interface Pick {
  discipline: string;
  bug: number | null;
  teardown: string;
  strategy: string;
  budget: number;
  /** The form's "reports that count": `all`, `memory` or a kind. */
  kinds: string;
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function pick(page: Page, p: Pick): Promise<void> {
  await page.selectOption('#f-discipline', p.discipline);
  await page.selectOption('#f-bug', p.bug === null ? 'none' : String(p.bug));
  await page.selectOption('#f-teardown', p.teardown);
  await page.selectOption('#f-strategy', p.strategy);
  await page.fill('#f-budget', String(p.budget));
  await page.fill('#f-seed', '1');
  await page.selectOption('#f-kinds', p.kinds);
}

/** The number of runs the page has started (its result carries it as data-run). */
async function runsSoFar(page: Page): Promise<number> {
  // Not a locator: before the first run there is no #result, and a locator would wait for one.
  const el = await page.$('#result');
  return Number((await el?.getAttribute('data-run')) ?? 0);
}

/** Waits for the result of run `n`. Returns: its verdict. */
async function verdictOf(page: Page, n: number): Promise<string> {
  await page.waitForSelector(`#result[data-run="${n}"]`, { timeout: RUN_TIMEOUT });
  return (await page.getAttribute('#result', 'data-verdict')) ?? '';
}

/** Runs what the form holds (Run by the keyboard: focus it, press Enter) and waits for the verdict. */
async function runForm(page: Page): Promise<string> {
  const n = await runsSoFar(page);
  await page.focus('#run');
  await page.keyboard.press('Enter');
  return verdictOf(page, n + 1);
}

describe('the playground in headless chromium', () => {
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let context: BrowserContext;
  const errors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    mkdirSync(OUT, { recursive: true });
    server = await serveStatic();
    browser = await launchChromium();
    ({ page, context } = browser);
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    });
    await page.goto(server.url);
    await page.waitForSelector('#controls');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'finds bug 4 under fenced: the use-after-remove report, the bad access highlighted, a replay the CLI reproduces',
    async () => {
      // As the README's CLI example (--kind use-after-remove): the unbind first
      // files the still-active work as a leak; the access comes after it.
      await pick(page, {
        discipline: 'fenced',
        bug: 4,
        teardown: 'unbind',
        strategy: 'random',
        budget: 1000,
        kinds: 'use-after-remove',
      });
      expect(await runForm(page)).toBe('finding');

      const report = (await page.textContent('#report-text')) ?? '';
      // KASAN's report shape for an access to memory that is gone: remove()
      // unmapped BAR0 (pci_iounmap) and the requeued work then read it.
      expect(report).toMatch(/^BUG: KASAN: use-after-remove in readl$/m);
      expect(report).toMatch(/Read of size 4 at offset 0x[0-9a-f]+ of edu 0000:00:03\.0 BAR0/);
      expect(await page.textContent('#verdict')).toContain('use-after-remove');
      // The verdict is announced in the live region outside the re-rendered page.
      expect(await page.textContent('#announce')).toBe(await page.textContent('#verdict'));

      const bad = page.locator('#timeline svg [data-bad-access]');
      expect(await bad.count()).toBe(1);
      expect(await bad.isVisible()).toBe(true);
      const box = await bad.boundingBox();
      const svgBox = await page.locator('#timeline svg').boundingBox();
      expect(box && svgBox && box.x >= svgBox.x && box.x + box.width <= svgBox.x + svgBox.width + 1).toBe(true);
      // Drawn red: the stroke of its line is the --bad colour.
      const stroke = await bad.locator('line').evaluate((el) => getComputedStyle(el).stroke);
      expect(stroke).toBe('rgb(196, 0, 29)');
      // The text alternative names the same access.
      expect(await page.textContent('#ftrace')).toMatch(/readl|use-after-remove/);

      // Step-through by keyboard: Home, then one step on.
      await page.focus('#step-list');
      await page.keyboard.press('Home');
      await expect.poll(() => page.textContent('#step-pos')).toMatch(/^Step 1 of \d+/);
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => page.textContent('#step-pos')).toMatch(/^Step 2 of \d+/);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('step-list');

      await page.screenshot({ path: join(OUT, 'fenced-bug04.png'), fullPage: true });

      // The page's replay file replays exactly in the CLI (exit 1: a report).
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-replay')]);
      const file = join(OUT, 'fenced-bug04.replay.json');
      await download.saveAs(file);
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      expect(doc.format).toBe('quiesce-replay/1');
      // The command the page prints beside the button, run from the repository root.
      const command = (await page.textContent('#result .hint code')) ?? '';
      expect(command).toBe(`node packages/explorer/dist/cli.js --replay FILE ${doc.scenario.module}`);
      const replay = await cli(['--replay', file, doc.scenario.module]);
      expect(replay.stdout).toMatch(/^reproduced: BUG: KASAN: use-after-remove in readl$/m);
      expect(replay.code).toBe(1);
    },
    RUN_TIMEOUT + 60_000,
  );

  it(
    'finds nothing for bug 4 under revocable: the readl finds the BAR revoked, nothing is highlighted',
    async () => {
      // Every kind counts: no report of any kind, as the matrix's "prevented".
      await pick(page, {
        discipline: 'revocable',
        bug: 4,
        teardown: 'unbind',
        strategy: 'random',
        budget: 1000,
        kinds: 'all',
      });
      expect(await runForm(page)).toBe('clean');
      expect(await page.textContent('#verdict')).toBe('Clean: no report in 1,000 schedules');
      expect(await page.locator('#report-text').count()).toBe(0);
      expect(await page.locator('[data-bad-access]').count()).toBe(0);
      expect(await page.getAttribute('#progress-bar', 'value')).toBe('1000');
      await page.screenshot({ path: join(OUT, 'revocable-bug04.png'), fullPage: true });
    },
    RUN_TIMEOUT + 60_000,
  );

  it(
    'opens a replay file the CLI wrote for bug04 and shows the same report',
    async () => {
      const file = join(OUT, 'cli-bug04.replay.json');
      const found = await cli([
        'examples/buggy/dist/scenarios.js',
        '--export',
        'bug04',
        '--strategy',
        'random',
        '--schedules',
        '200',
        '--kind',
        'use-after-remove',
        '--out',
        file,
      ]);
      expect(found.code).toBe(1);
      const n = await runsSoFar(page);
      await page.setInputFiles('#open-replay', file);
      expect(await verdictOf(page, n + 1)).toBe('finding');
      expect(await page.textContent('#report-text')).toMatch(/^BUG: KASAN: use-after-remove in readl$/m);
      expect(await page.locator('#timeline svg [data-bad-access]').count()).toBe(1);
    },
    RUN_TIMEOUT,
  );

  it(
    'runs a matrix cell from the matrix view',
    async () => {
      await page.click('#tab-matrix');
      const cell = page.locator('button[data-bug="4"][data-discipline="fenced"]');
      await cell.focus();
      await page.keyboard.press('Space');
      await page.waitForSelector('#result[data-verdict]', { timeout: RUN_TIMEOUT });
      expect(await page.inputValue('#f-discipline')).toBe('fenced');
      expect(await page.inputValue('#f-bug')).toBe('4');
      expect(await page.getAttribute('#result', 'data-verdict')).toBe('finding');
    },
    RUN_TIMEOUT,
  );

  it('is operable from the keyboard: Tab walks the views, the form and Run in reading order', async () => {
    // A fresh page: sequential focus starts at the document.
    await page.goto(`${server.url}#reload`);
    await page.reload();
    await page.waitForSelector('#controls');
    const order: string[] = [];
    for (let i = 0; i < 13; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    // The tabs, then the form's fields as laid out, then Run (Cancel is
    // disabled while idle and skipped) and the replay file input.
    expect(order).toEqual([
      'tab-explore',
      'tab-matrix',
      'tab-report',
      'f-discipline',
      'f-bug',
      'f-teardown',
      'f-strategy',
      'f-budget',
      'f-seed',
      'f-workers',
      'f-kinds',
      'run',
      'open-replay',
    ]);
    // Arrow keys move between the tabs, Enter activates one.
    await page.focus('#tab-explore');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-matrix');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#matrix');
    expect(await page.getAttribute('#tab-matrix', 'aria-pressed')).toBe('true');
  });

  it('raised no page error and no console error', () => {
    expect(errors).toEqual([]);
    expect(context.pages()).toHaveLength(1);
  });
});
