// A terminal restarting with its stored credential (issue 17): home is drawn at once from the
// household's remembered profile while the hub answers; what the resident presses then is not lost
// (元気です is delivered; a call waits, saying so, and follows once connected). Without a remembered
// profile the connecting screen comes as before, and a refused credential forgets the profile too.
import type { BrowserContext, Page, Route } from 'playwright-core';
import { axeViolations, screenshot, undersizedTargets } from '../helpers/browser';
import { browserSuite } from '../helpers/pages';
import { SOUND_SPY } from '../helpers/sound-spy';

jest.setTimeout(120_000);

const suite = browserSuite();
const PROFILE_KEY = 'tsunagu.terminal.profile';

/**
 * A terminal page on home, opened by its demo link. No service worker: Playwright's routing (with
 * which the hub is held back below) does not see requests a service worker handles.
 */
async function openHome(index: number): Promise<Page> {
  const context: BrowserContext = await suite.browser.newContext({
    viewport: { width: 1280, height: 720 },
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    serviceWorkers: 'block',
  });
  suite.contexts.push(context);
  await context.addInitScript(SOUND_SPY);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('terminal page error:', err));
  await page.goto(`${suite.hub.url}/terminal/#credential=${suite.hub.demo.terminals[index]!.credential}`);
  await page.getByTestId('home-screen').waitFor({ timeout: 20_000 });
  return page;
}

/** Holds every Socket.IO request of the page until `release`: the hub has not answered yet. */
async function holdHub(page: Page): Promise<{ held(): number; release(): Promise<void> }> {
  const held: Route[] = [];
  let holding = true;
  const hold = (route: Route) => (holding ? void held.push(route) : route.fallback());
  await page.route('**/socket.io/**', hold);
  return {
    held: () => held.length,
    release: async () => {
      holding = false;
      for (const route of held.splice(0)) await route.fallback();
      await page.unroute('**/socket.io/**', hold);
    },
  };
}

const spoken = (page: Page) => page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);
const connected = (page: Page) => page.evaluate(() => performance.getEntriesByName('terminal:connected').length > 0);

const checkinsOf = (householdId: number) =>
  (
    suite.hub.hub.ctx.db.prepare('SELECT COUNT(*) AS n FROM checkins WHERE household_id = ?').get(householdId) as {
      n: number;
    }
  ).n;

test('a restart draws home from the remembered profile before the hub answers; 元気です pressed then is delivered', async () => {
  const demo = suite.hub.demo.terminals[3]!;
  const page = await openHome(3);
  // The profile is remembered beside the credential once the hub has sent it.
  await page.waitForFunction((key) => localStorage.getItem(key) !== null, PROFILE_KEY);
  const name = await page.getByRole('heading', { level: 1 }).textContent();
  const buttons = await page.locator('main button').allTextContents();

  const hub = await holdHub(page);
  await page.reload();
  await page.getByTestId('home-screen').waitFor({ timeout: 10_000 });
  await screenshot(page, 'terminal-restart-home-1280');
  // Drawn while the hub is held back: the same household, the same buttons in the same places.
  expect(hub.held()).toBeGreaterThan(0);
  expect(await connected(page)).toBe(false);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(name);
  await expect(page.locator('main button').allTextContents()).resolves.toEqual(buttons);
  await expect(page.getByTestId('connecting-screen').count()).resolves.toBe(0);
  await expect(page.getByTestId('announcer').textContent()).resolves.toContain('ホーム画面です');
  await page.waitForFunction(() =>
    (window as unknown as { __spoken: string[] }).__spoken.some((s) => s.includes('ホーム画面です')),
  );
  // The hub answers: home stays, and is not announced a second time.
  await hub.release();
  await page.waitForFunction(() => performance.getEntriesByName('terminal:profile').length > 0);
  await page.waitForTimeout(1000);
  expect((await spoken(page)).filter((s) => s.includes('ホーム画面です'))).toHaveLength(1);
  await expect(page.getByTestId('home-screen').isVisible()).resolves.toBe(true);

  // 元気です pressed while connecting: the press waits for the connection, saying so, and is delivered.
  const again = await holdHub(page);
  await page.reload();
  await page.getByTestId('home-screen').waitFor({ timeout: 10_000 });
  const before = checkinsOf(demo.householdId);
  await page.getByTestId('home-checkin').click();
  await page.getByTestId('checkin-screen').waitFor();
  await page.getByTestId('checkin-press').click();
  await expect(page.getByTestId('checkin-message').textContent()).resolves.toContain('つないでいます');
  expect(await connected(page)).toBe(false);
  await again.release();
  await page.getByTestId('checkin-mood-screen').waitFor({ timeout: 15_000 });
  // Delivered, not kept for later: the mood screen does not say it was kept.
  await expect(page.getByText('つながったら、自動で届けます').count()).resolves.toBe(0);
  for (const until = Date.now() + 10_000; checkinsOf(demo.householdId) === before && Date.now() < until; )
    await new Promise((r) => setTimeout(r, 100));
  expect(checkinsOf(demo.householdId)).toBe(before + 1);
  await page.context().close();
});

test('a call asked for while connecting waits, saying so, and follows once connected', async () => {
  const page = await openHome(4);
  await page.waitForFunction((key) => localStorage.getItem(key) !== null, PROFILE_KEY);
  const hub = await holdHub(page);
  await page.reload();
  await page.getByTestId('home-screen').waitFor({ timeout: 10_000 });
  await page.getByTestId('home-listening').click();
  await page.getByTestId('waiting-for-hub-screen').waitFor();
  await expect(page.getByTestId('announcer').textContent()).resolves.toContain('つないでいます');
  await screenshot(page, 'terminal-restart-call-waiting-1280');
  expect(await axeViolations(page)).toEqual([]);
  expect(await undersizedTargets(page)).toEqual([]);
  expect(await connected(page)).toBe(false);
  await hub.release();
  await page.getByTestId('call-screen').waitFor({ timeout: 15_000 });
  // Asked for once connected: not failed for want of a connection.
  await expect(page.getByText('電話をかけられませんでした').count()).resolves.toBe(0);
  await page.getByTestId('call-cancel').or(page.getByTestId('call-back-home')).first().click({ timeout: 15_000 });
  await page.getByTestId('home-screen').waitFor();
  await page.context().close();
});

test('without a remembered profile the connecting screen comes first, as before', async () => {
  const page = await openHome(5);
  await page.evaluate((key) => localStorage.removeItem(key), PROFILE_KEY);
  const hub = await holdHub(page);
  await page.reload();
  await page.getByTestId('connecting-screen').waitFor({ timeout: 10_000 });
  await expect(page.getByTestId('home-screen').count()).resolves.toBe(0);
  await hub.release();
  await page.getByTestId('home-screen').waitFor({ timeout: 15_000 });
  // Remembered again for the next start.
  await page.waitForFunction((key) => localStorage.getItem(key) !== null, PROFILE_KEY);
  await page.context().close();
});

test('a credential refused at restart forgets the remembered profile with it', async () => {
  const page = await openHome(6);
  await page.waitForFunction((key) => localStorage.getItem(key) !== null, PROFILE_KEY);
  const credential = suite.hub.demo.terminals[6]!.credential;
  const terminal = (await suite.hub.hub.stores.terminals.list()).find(
    (t) => t.householdId === suite.hub.demo.terminals[6]!.householdId && !t.revoked,
  )!;
  await page.goto('about:blank');
  await suite.hub.hub.services.terminals.revoke(terminal.id);
  await page.goto(`${suite.hub.url}/terminal/`);
  await page.getByTestId('enrollment-screen').waitFor({ timeout: 15_000 });
  await expect(page.evaluate((key) => localStorage.getItem(key), PROFILE_KEY)).resolves.toBeNull();
  await expect(page.evaluate(() => localStorage.getItem('tsunagu.terminal.credential'))).resolves.toBeNull();
  expect(credential).toBeTruthy();
  await page.context().close();
});
