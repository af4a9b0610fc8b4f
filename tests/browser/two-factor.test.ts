// Two-factor sign-in end to end in the console: a new city hall account must set it up at its first
// sign-in (QR code drawn by the hub, first code, recovery codes), then signs in with the app's code
// or a recovery code; an administrator resets it from the users page; a watcher may turn it on and
// off from the account page. Screens are checked with axe and screenshotted.
import type { Page } from 'playwright-core';
import { sessionFor, TEST_PASSWORD } from '../../apps/hub/src/testing/harness';
import { enrolTwoFactor, secondFactorCode, totpCode } from '../../apps/hub/src/testing/two-factor';
import { expectAccessible, screenshot } from '../helpers/browser';
import { browserSuite, openConsole, openPage, openSignIn, signIn, signOut } from '../helpers/pages';

jest.setTimeout(90_000);

const suite = browserSuite();

const loginPage = () => openSignIn(suite);

/** A new city hall account made on the hub (the tests' password, two-factor not set up yet). */
const newCityHallUser = (username: string, displayName: string) =>
  suite.hub.hub.services.accounts.createUser({ username, displayName, password: TEST_PASSWORD, role: 'cityhall' });

const currentStep = () => Math.floor(Date.now() / 30_000);

/** A console page with a session made on the hub (no sign-in request), on `route` if given. */
async function signedInPage(userId: number, route = ''): Promise<Page> {
  const page = await openPage(suite, 'console', { viewport: { width: 1280, height: 900 } });
  const session = sessionFor(suite.hub.hub, userId);
  const [name, value] = session.cookie.split('=') as [string, string];
  await page.context().addCookies([{ name, value, url: suite.hub.url }]);
  await page.goto(`${suite.hub.url}/console/#/${route}`);
  await page.getByTestId('signed-in-as').waitFor();
  return page;
}

test('a new city hall account sets it up at first sign-in, then signs in with the app’s code or a recovery code', async () => {
  const hub = suite.hub.hub;
  const kato = await newCityHallUser('kato', '防災課 加藤');
  const page = await loginPage();
  await signIn(page, 'kato', TEST_PASSWORD);

  // Nothing else until it is set up.
  await page.getByTestId('two-factor-required').waitFor();
  await expect(page.getByTestId('two-factor-required').textContent()).resolves.toContain('二段階認証が必要です');
  await page.getByTestId('two-factor-start').click();
  const qr = page.getByTestId('two-factor-qr');
  await qr.waitFor();
  // The QR code is an image the hub drew, shown without any request elsewhere.
  await expect(qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).resolves.toBe(true);
  await expect(qr.getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml;base64,/);
  await expectAccessible(page, 'two-factor-setup');
  await screenshot(page, 'console-two-factor-setup');
  const secret = (await page.getByTestId('two-factor-secret').textContent())!.replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // A wrong code first: said plainly, nothing turned on.
  await page.getByTestId('two-factor-code').fill(totpCode(secret, currentStep() + 10));
  await page.getByTestId('two-factor-confirm').click();
  await expect(page.getByTestId('two-factor-error').textContent()).resolves.toContain('確認コードが違う');
  await page.getByTestId('two-factor-code').fill(totpCode(secret, currentStep()));
  await page.getByTestId('two-factor-confirm').click();
  await page.getByTestId('recovery-codes').waitFor();
  const codes = await page.getByTestId('recovery-code').allTextContents();
  expect(codes).toHaveLength(10);
  await expectAccessible(page, 'recovery-codes');
  await screenshot(page, 'console-two-factor-recovery-codes');
  await page.getByTestId('recovery-done').click();
  await page.getByTestId('signed-in-as').waitFor();
  await signOut(page);

  // The next sign-in asks for the app's code after the password.
  await signIn(page, 'kato', TEST_PASSWORD);
  const code = page.getByTestId('login-code');
  await code.waitFor();
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('login-code');
  await expectAccessible(page, 'login-code');
  await screenshot(page, 'console-login-code');
  await code.fill('000000');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error').textContent()).resolves.toContain('確認コードが違う');
  await code.fill(await secondFactorCode(hub, kato.id));
  await page.getByTestId('login-submit').click();
  await page.getByTestId('signed-in-as').waitFor();
  await signOut(page);

  // Without the phone: a recovery code, once.
  await signIn(page, 'kato', TEST_PASSWORD);
  await code.waitFor();
  await code.fill(codes[0]!);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('signed-in-as').waitFor();
  await page.getByTestId('nav-account').click();
  await page.getByTestId('two-factor-state').filter({ hasText: '残りのリカバリーコード：9個' }).waitFor();
  await expectAccessible(page, 'account-two-factor');
  await screenshot(page, 'console-account-two-factor');
  await page.close();
});

test('an administrator resets it from the users page: the person is signed out and sets it up again', async () => {
  const hub = suite.hub.hub;
  const sato = await newCityHallUser('sato2', '防災課 佐藤');
  // Both already signed in (sign-ins are limited to 10 a minute per address, and this file has used most).
  await enrolTwoFactor(hub, sato.id);
  const own = await signedInPage(sato.id);
  const adminId = (await hub.stores.accounts.userByUsername('admin'))!.id;
  if (!(await hub.stores.accounts.userById(adminId))!.twoFactorEnabled) await enrolTwoFactor(hub, adminId);
  const admin = await signedInPage(adminId, 'users');
  await admin.getByTestId('users-table').waitFor();
  const row = admin.locator('[data-testid="user-row"][data-username="sato2"]');
  await expect(row.getByTestId('user-two-factor').textContent()).resolves.toContain('有効');
  await row.getByTestId('reset-two-factor').click();
  await admin.getByRole('dialog').getByRole('button', { name: '二段階認証をリセット' }).click();
  // The list reloads after the reset: wait for the row to say so (reading it at once raced the reload).
  await row.getByTestId('user-two-factor').filter({ hasText: '未設定' }).waitFor();
  expect((await hub.stores.accounts.userById(sato.id))!.twoFactorEnabled).toBe(false);

  // Signed out at once: the console goes back to the login page, and the next sign-in sets it up.
  await own.getByTestId('login-page').waitFor({ timeout: 15_000 });
  await signIn(own, 'sato2', TEST_PASSWORD);
  await own.getByTestId('two-factor-required').waitFor();
  await own.close();
  await admin.close();
});

test('a watcher may turn it on from the account page, and off again with the password', async () => {
  const hub = suite.hub.hub;
  const page = await openConsole(suite, 'carenet1', { route: 'account', bypassCSP: true });
  const section = page.getByTestId('two-factor-section');
  await expect(section.getByTestId('two-factor-state').textContent()).resolves.toContain('まだ設定していません');
  await section.getByTestId('two-factor-enable').click();
  await section.getByTestId('two-factor-start').click();
  const secret = (await section.getByTestId('two-factor-secret').textContent())!.replace(/\s/g, '');
  await section.getByTestId('two-factor-code').fill(totpCode(secret, currentStep()));
  await section.getByTestId('two-factor-confirm').click();
  await section.getByTestId('recovery-done').click();
  await section.getByTestId('two-factor-state').filter({ hasText: '有効です' }).waitFor();
  expect((await hub.stores.accounts.userByUsername('carenet1'))!.twoFactorEnabled).toBe(true);
  await expectAccessible(page, 'account-two-factor-on');
  await section.getByLabel('現在のパスワード').fill('tsunagu-demo');
  await section.getByTestId('two-factor-disable').click();
  await section.getByText('二段階認証をやめました。').waitFor();
  expect((await hub.stores.accounts.userByUsername('carenet1'))!.twoFactorEnabled).toBe(false);
  await page.close();
});
