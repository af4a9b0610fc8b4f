// Launches Debian's Chromium through playwright-core with the flags this machine needs.
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

import { CHROMIUM_PATH, CHROMIUM_ARGS as MACHINE_ARGS } from '../../tools/fleet/src/bench/browser';

export { CHROMIUM_PATH };
/**
 * Where browser tests save what they see: the ignored .tmp/screenshots, so a test run leaves the tree
 * clean. `npm run screenshots` sets TSUNAGU_SCREENSHOT_DIR=docs/screenshots to refresh the committed ones.
 */
export const SCREENSHOT_DIR = path.resolve(
  __dirname,
  '../..',
  process.env.TSUNAGU_SCREENSHOT_DIR ?? path.join('.tmp', 'screenshots'),
);

/** The bench's flags for this machine, plus a fake camera and microphone that need no prompt. */
export const CHROMIUM_ARGS = [...MACHINE_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/test-deps.sh (npm test does) to install it.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export async function newContext(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 720 },
  locale = 'ja-JP',
  options: { bypassCSP?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport,
    locale,
    timezoneId: 'Asia/Tokyo',
    permissions: ['camera', 'microphone'],
    ...options,
  });
}

/** Saves a screenshot in SCREENSHOT_DIR so what the test saw can be looked at (and shown in the docs). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Fails the test, naming the screen, when axe-core finds anything on the page. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  expect({ name, violations: await axeViolations(page) }).toEqual({ name, violations: [] });
}

/** A screen as it settled (after its last paint): screenshotted, then checked with axe-core. */
export async function checkedScreen(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(100);
  await screenshot(page, name);
  await expectAccessible(page, name);
}

/** Runs axe-core in the page and returns its violations (empty when the screen passes). */
export async function axeViolations(
  page: Page,
): Promise<{ id: string; impact: string | null; help: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol, which the hub's CSP (script-src 'self') does not block,
  // so the page is tested under its real policy.
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    // biome-ignore lint/suspicious/noExplicitAny: axe result shape
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // biome-ignore lint/suspicious/noExplicitAny: axe result shape
      nodes: v.nodes.map((n: any) => n.target.join(' ')),
    }));
  });
}

/** Every visible interactive element smaller than `min` CSS px in either direction. */
export async function undersizedTargets(page: Page, min = 120): Promise<string[]> {
  return page.evaluate((minSize) => {
    const els = Array.from(
      document.querySelectorAll('button, a[href], input, select, textarea, [role="button"], [tabindex]'),
    );
    return els
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none' || r.width === 0 || r.height === 0) return false;
        return r.width < minSize || r.height < minSize;
      })
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(el.getBoundingClientRect().width)}x${Math.round(el.getBoundingClientRect().height)}`,
      );
  }, min);
}
