#!/usr/bin/env node
// The README's screenshot: the built playground in headless chromium, bug 4
// (self-requeueing work, non-sync cancel) under fenced, its report and the
// timeline with the bad access in red, written to docs/img/playground.png.
// Run after a build: `node apps/playground/e2e/screenshot.mjs [out.png]`.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, launchChromium, serveStatic } from './harness.mjs';

const out = resolve(process.argv[2] ?? fileURLToPath(new URL('../../../docs/img/playground.png', import.meta.url)));
assertBuilt();
mkdirSync(dirname(out), { recursive: true });
const server = await serveStatic();
const browser = await launchChromium({ width: 1200, height: 1480 });
try {
  const { page } = browser;
  await page.goto(
    `${server.url}#discipline=fenced&bug=4&teardown=unbind&strategy=random&budget=1000&seed=1&kinds=use-after-remove`,
  );
  await page.waitForSelector('#controls');
  await page.click('#run');
  await page.waitForSelector('#result[data-run="1"]', { timeout: 240_000 });
  // Zoom 16× on the cursor (the bad access): the unbind and the access after it.
  await page.focus('#timeline');
  for (let i = 0; i < 4; i++) await page.keyboard.press('+');
  await page.waitForSelector('#zoom-level:text("16×")');
  await page.evaluate(() => {
    /** @type {HTMLElement | null} */ (document.activeElement)?.blur();
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
