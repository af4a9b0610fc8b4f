// The terminal renderer against a real hub: enrollment on the keypad, home, placeholder screens,
// wrong code, and losing and regaining the hub. Every screen is checked with axe and for small
// targets at 1280×720 and 1920×1080, and screenshotted for docs/screenshots.
import type { Page } from 'playwright-core';
import { axeViolations, screenshot, undersizedTargets } from '../helpers/browser';
import { browserSuite, enrollOnKeypad, openPage, typeCode } from '../helpers/pages';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

// The root config's per-project testTimeout is not applied by Jest (hooks time out at 5 s); the first test
// checks nine screens with axe at two sizes, which takes over 30 s on a loaded machine.
jest.setTimeout(120_000);

const suite = browserSuite();

/** Runs the accessibility checks at both sizes; screenshots as NAME-1280 / NAME-1920. */
async function checkScreen(
  page: Page,
  name: string,
  sizes: readonly { width: number; height: number }[] = SIZES,
): Promise<void> {
  for (const size of sizes) {
    await page.setViewportSize(size);
    await page.waitForTimeout(100);
    await screenshot(page, `${name}-${size.width}`);
    expect({ name, size, violations: await axeViolations(page) }).toEqual({ name, size, violations: [] });
    expect({ name, size, undersized: await undersizedTargets(page, 120) }).toEqual({ name, size, undersized: [] });
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth > window.innerWidth,
      y: document.documentElement.scrollHeight > window.innerHeight,
    }));
    expect({ name, size, overflow }).toEqual({ name, size, overflow: { x: false, y: false } });
  }
  await page.setViewportSize(SIZES[0]);
}

/** A terminal page on the enrollment screen, under the hub's real CSP (axeViolations() needs no exception). */
async function openTerminal(): Promise<Page> {
  const page = await openPage(suite, 'terminal', { viewport: SIZES[0] });
  await page.goto(`${suite.hub.url}/terminal/`);
  await page.getByTestId('enrollment-screen').waitFor();
  return page;
}

const enrollAndGoHome = (page: Page, householdId?: number) => enrollOnKeypad(page, suite.hub, householdId);

test('enrolls on the keypad, reaches home, and every screen is accessible', async () => {
  const page = await openTerminal();
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('はじめの設定');
  await checkScreen(page, 'terminal-enroll');

  const code = await suite.hub.issueEnrollmentCode();
  await typeCode(page, code.slice(0, 5));
  await expect(page.getByTestId('digit-display').getAttribute('data-value')).resolves.toBe(code.slice(0, 5));
  await page.getByTestId('key-delete').click();
  await expect(page.getByTestId('digit-display').getAttribute('data-value')).resolves.toBe(code.slice(0, 4));
  await typeCode(page, code.slice(4));
  await page.getByTestId('enroll-connect').click();
  await page.getByTestId('home-screen').waitFor({ timeout: 15_000 });

  // The credential is kept (localStorage when served as a web page): a reload goes straight home.
  await expect(page.evaluate(() => localStorage.getItem('tsunagu.terminal.credential'))).resolves.toBeTruthy();

  // Home: clock, check-in, shopping (the demo city has 5 shops: more than fit), listening, announcements.
  await expect(page.getByTestId('clock').textContent()).resolves.toMatch(/\d+月\d+日\(.\)午[前後]\d+:\d\d/);
  for (const id of ['home-checkin', 'home-shopping', 'home-listening', 'home-announcements']) {
    await expect(page.getByTestId(id).isVisible()).resolves.toBe(true);
  }
  await expect(page.locator('main button').count()).resolves.toBeLessThanOrEqual(6);
  await expect(page.getByTestId('announcer').textContent()).resolves.toContain('ホーム画面です');
  await checkScreen(page, 'terminal-home');

  // Shop chooser: every shop from the profile, and a big way back.
  await page.getByTestId('home-shopping').click();
  await page.getByTestId('shops-screen').waitFor();
  for (const name of ['みどりマート', 'ほっこり弁当', 'さくら薬局']) {
    await expect(page.getByRole('button', { name }).isVisible()).resolves.toBe(true);
  }
  await expect(page.locator('button').count()).resolves.toBeLessThanOrEqual(6);
  await checkScreen(page, 'terminal-shops');

  // A shop's button asks for the call at once; やめる leaves the queue (tests/browser/calls-video.test.ts covers the call).
  await page.getByRole('button', { name: 'みどりマート' }).click();
  await page.getByTestId('call-screen').waitFor();
  await page.getByTestId('call-cancel').click();
  await page.getByTestId('home-screen').waitFor();

  // The check-in and announcements screens are no longer placeholders: tests/browser/watch-escalation.test.ts
  // and tests/browser/announcements-emergency.test.ts cover them.

  await page.reload();
  await page.getByTestId('home-screen').waitFor({ timeout: 15_000 });
  await page.context().close();
});

test('a wrong code shows an error that says what to do next, and clears the code', async () => {
  const page = await openTerminal();
  await typeCode(page, '0000000');
  await page.getByTestId('enroll-connect').click();
  const error = page.getByTestId('enroll-error');
  await error.waitFor();
  await expect(error.textContent()).resolves.toContain('8けた');

  await typeCode(page, '0');
  await page.getByTestId('enroll-connect').click();
  await expect(error.textContent()).resolves.toContain('番号をもう一度確かめて');
  await expect(error.textContent()).resolves.toContain('市役所に電話');
  await expect(page.getByTestId('digit-display').getAttribute('data-value')).resolves.toBe('');
  await expect(page.getByTestId('announcer').textContent()).resolves.toContain('番号をもう一度確かめて');
  await checkScreen(page, 'terminal-enroll-error');
  await page.context().close();
});

test('an English household sees English', async () => {
  const households = await suite.hub.hub.stores.households.list();
  const english = households.find((h) => h.language === 'en');
  expect(english).toBeDefined();
  const page = await openTerminal();
  await enrollAndGoHome(page, english!.id);
  await page.getByRole('button', { name: "I'm fine" }).waitFor();
  await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
  await expect(page.getByTestId('clock').textContent()).resolves.toMatch(/(AM|PM)/);
  await checkScreen(page, 'terminal-home-en', [SIZES[0]]);
  await page.context().close();
});

test('shows the offline screen when the hub goes away, and each terminal returns to where it was by itself', async () => {
  // Two terminals, one restart (restarting the hub is the slow part): one resident is on the home
  // screen, the other on the check-in screen when the hub goes away.
  const page = await openTerminal();
  await enrollAndGoHome(page);
  const households = await suite.hub.hub.stores.households.list();
  const other = await openTerminal();
  await enrollAndGoHome(other, households[1]!.id);
  await other.getByTestId('home-checkin').click();
  await other.getByTestId('checkin-screen').waitFor();

  await suite.hub.stop();
  await page.getByTestId('offline-screen').waitFor({ timeout: 20_000 });
  await other.getByTestId('offline-screen').waitFor({ timeout: 20_000 });
  await expect(page.getByTestId('offline-screen').textContent()).resolves.toContain('自動でつなぎ直しています');
  await expect(page.getByTestId('offline-screen').textContent()).resolves.toContain('電源を入れ直してください');
  await checkScreen(page, 'terminal-offline');

  await suite.hub.restart();
  await page.getByTestId('home-screen').waitFor({ timeout: 40_000 });
  await other.getByTestId('checkin-screen').waitFor({ timeout: 40_000 });
  await expect(page.getByTestId('announcer').textContent()).resolves.toContain('つながりました');
  await page.context().close();
  await other.context().close();
});

test('a revoked terminal forgets its credential and shows the enrollment screen', async () => {
  const page = await openTerminal();
  await enrollAndGoHome(page);
  await expect(page.evaluate(() => localStorage.getItem('tsunagu.terminal.credential'))).resolves.toBeTruthy();
  // The newest terminal is the one this page just enrolled.
  const terminals = await suite.hub.hub.stores.terminals.list();
  const newest = terminals.reduce((a, b) => (a.id > b.id ? a : b));
  await suite.hub.hub.services.terminals.revoke(newest.id);
  await page.getByTestId('enrollment-screen').waitFor({ timeout: 15_000 });
  await expect(page.evaluate(() => localStorage.getItem('tsunagu.terminal.credential'))).resolves.toBeNull();
  await page.context().close();
});
