// Hostile markup in an announcement is shown as text, never run: on the terminal's emergency screen
// and announcements list, and in the console. CSP is bypassed here on purpose, so the only thing
// standing between the markup and the page is the renderers' escaping (the CSP is tested separately
// in tools/fleet/src/reliability/security.test.ts).
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser';
import { browserSuite, openConsole, openTerminal, type PageOptions, postAsConsole } from '../helpers/pages';

jest.setTimeout(120_000);

const TITLE = '<img src=x onerror="window.__xss=1">警報';
const BODY = '<script>window.__xss=2</script><b onmouseover="window.__xss=3">避難してください</b>';

const suite = browserSuite();
const pageOptions: PageOptions = {
  viewport: { width: 1280, height: 800 },
  bypassCSP: true,
  // Headless Chromium has no voices; the terminal speaks, so give it a silent engine.
  initScript: () => {
    window.speechSynthesis.speak = () => undefined;
  },
};

/** Nothing ran, and no element came from the announcement's markup. */
async function expectInert(page: Page): Promise<void> {
  await page.mouse.move(640, 400);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('b[onmouseover]').count()).toBe(0);
  expect(await page.evaluate(() => Array.from(document.scripts).some((s) => s.textContent?.includes('__xss')))).toBe(
    false,
  );
}

test('an announcement with HTML and script in it is shown as text on the terminal and in the console', async () => {
  const household = (await suite.hub.hub.stores.households.list())[0]!;
  const terminal = await openTerminal(suite, { householdId: household.id }, pageOptions);
  const console_ = await openConsole(suite, 'cityhall', pageOptions);
  for (const page of [terminal, console_]) page.on('dialog', (d) => void d.dismiss());
  await console_.getByTestId('nav-announcements').click();
  await console_.getByTestId('page-announcements').waitFor();

  // Sent through the console's own session (as its compose form would).
  const status = await postAsConsole(console_, '/api/announcements', {
    kind: 'emergency',
    titleJa: TITLE,
    bodyJa: BODY,
    target: { type: 'households', householdIds: [household.id] },
  });
  expect(status).toBe(201);

  // Terminal: the emergency screen shows the markup as characters.
  const emergency = terminal.getByTestId('emergency-screen');
  await emergency.waitFor({ timeout: 10_000 });
  await expect(emergency.textContent()).resolves.toContain('<img src=x onerror=');
  await expect(emergency.textContent()).resolves.toContain('<script>window.__xss=2</script>');
  await screenshot(terminal, 'security-terminal-markup-as-text');
  await expectInert(terminal);

  // Console: the list (and the detail) show it as text too.
  await console_.reload();
  await console_.getByTestId('page-announcements').waitFor();
  await console_.getByText(TITLE).first().waitFor({ timeout: 10_000 });
  await screenshot(console_, 'security-console-markup-as-text');
  await expectInert(console_);
});
