// The staff console against a real hub with the demo city: sign-in errors, city hall's households
// (live terminal presence, enrollment codes, revocation), an administrator creating a user and an
// API key, a watcher seeing only their households, and signing out. Every page is checked with axe
// and screenshotted for docs/screenshots.
import { PROTOCOL_VERSION } from '@tsunagu/protocol';
import { io } from 'socket.io-client';
import { expectAccessible, screenshot } from '../helpers/browser';
import { browserSuite, openSignIn, signIn, signOut, tapTo } from '../helpers/pages';

jest.setTimeout(60_000);

const suite = browserSuite();

const openConsole = () => openSignIn(suite, { width: 1280, height: 800 });

/** A console page signed in as `username` (two-factor too), on the page its navigation link `nav` opens (`shows`). */
async function signedInAt(username: string, nav: string, shows: string) {
  const page = await openConsole();
  await signIn(page, username, undefined, suite.hub);
  await tapTo(page, nav, shows);
  return page;
}

test('a wrong password shows what to do; the login page is accessible', async () => {
  const { hub } = suite;
  const page = await openConsole();
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('つなぐ 職員コンソール');
  await expectAccessible(page, 'login');
  await screenshot(page, 'console-login');

  await signIn(page, 'cityhall', 'not-the-password');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  await expect(error.textContent()).resolves.toContain('ユーザー名またはパスワードが違います');
  await expect(error.getAttribute('role')).resolves.toBe('alert');
  // The password is cleared and focused so the person can type it again at once.
  await expect(page.getByLabel('パスワード').inputValue()).resolves.toBe('');
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('login-password');
  await expectAccessible(page, 'login-error');
  await screenshot(page, 'console-login-error');

  // A disabled account is told to contact an administrator, not that the password is wrong.
  const user = (await hub.hub.stores.accounts.userByUsername('listener2'))!;
  await hub.hub.services.accounts.updateUser(user.id, { disabled: true });
  await signIn(page, 'listener2');
  await page.getByText('このアカウントは停止されています').waitFor();
  await page.close();
});

test('city hall sees all 21 households live, issues an enrollment code and revokes a terminal', async () => {
  const { hub } = suite;
  // Other pages may come first in the navigation: open households through it.
  const page = await signedInAt('cityhall', 'nav-households', 'households-table');
  await expect(page.getByTestId('household-row').count()).resolves.toBe(21);
  await expect(page.getByTestId('signed-in-as').textContent()).resolves.toContain('市役所');
  // City hall (not admin) has no user management in the navigation.
  await expect(page.getByTestId('nav-users').count()).resolves.toBe(0);
  await page.locator('[data-testid="live-status"][data-status="online"]').waitFor();

  // A demo terminal connects: its row turns online without a reload.
  const demoTerminal = hub.demo.terminals[0]!;
  const row = page.locator(`[data-testid="household-row"][data-household-id="${demoTerminal.householdId}"]`);
  await expect(row.getByTestId('terminal-state').getAttribute('data-state')).resolves.toBe('offline');
  const terminal = io(`${hub.url}/terminal`, {
    auth: { credential: demoTerminal.credential, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
  });
  suite.sockets.push(terminal);
  await row.locator('[data-testid="terminal-state"][data-state="online"]').waitFor();
  await expect(page.getByTestId('households-summary').textContent()).resolves.toContain('端末オンライン 1 台');

  // District filter.
  const districts = await hub.hub.stores.households.listDistricts();
  const district = districts[0]!;
  const inDistrict = (await hub.hub.stores.households.list({ districtId: district.id })).length;
  await page.getByTestId('district-filter').selectOption(String(district.id));
  await expect(page.getByTestId('household-row').count()).resolves.toBe(inDistrict);
  await page.getByTestId('district-filter').selectOption('0');

  await expectAccessible(page, 'households');
  await screenshot(page, 'console-households');

  // Enrollment code: 8 digits, shown large, with its expiry.
  const target = page.getByTestId('household-row').nth(2);
  await target.getByTestId('issue-code').click();
  const code = page.getByTestId('enrollment-code');
  await code.waitFor();
  await expect(code.getAttribute('data-code')).resolves.toMatch(/^\d{8}$/);
  // Seen as two groups of four (easy to read out over the phone), read by screen readers digit by digit.
  const digits = (await code.getAttribute('data-code'))!;
  await expect(code.locator('[aria-hidden="true"]').allTextContents()).resolves.toEqual([
    digits.slice(0, 4),
    digits.slice(4),
  ]);
  await expect(code.locator('.visually-hidden').textContent()).resolves.toBe(digits.split('').join(' '));
  await expect(code.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize))).resolves.toBeGreaterThanOrEqual(
    40,
  );
  await expect(page.getByTestId('enrollment-expiry').textContent()).resolves.toMatch(
    /有効期限：\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/,
  );
  await expectAccessible(page, 'enrollment-code');
  await screenshot(page, 'console-enrollment-code');
  // The code really works: a terminal can enroll with it.
  const issued = (await code.getAttribute('data-code'))!;
  const enrolled = await fetch(`${hub.url}/api/terminals/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: issued }),
  });
  expect(enrolled.status).toBe(200);
  await page.keyboard.press('Escape');
  await code.waitFor({ state: 'detached' });

  // Revoke the connected terminal, after confirming; the terminal is disconnected.
  const revoked = new Promise<void>((resolve) => terminal.on('terminal:revoked', () => resolve()));
  await row.getByTestId('revoke-terminal').click();
  await page.getByTestId('revoke-dialog').waitFor();
  await expectAccessible(page, 'revoke-dialog');
  await page.getByTestId('confirm').click();
  await page.getByTestId('households-status').waitFor();
  await revoked;
  await expect(row.getByTestId('terminal-state').getAttribute('data-state')).resolves.toBe('revoked');
  await expect(row.getByTestId('revoke-terminal').count()).resolves.toBe(0);
  const stored = (await hub.hub.stores.terminals.list()).find(
    (t) => t.householdId === demoTerminal.householdId && t.revoked,
  );
  expect(stored).toBeTruthy();
  await page.close();
});

test('an administrator creates a user and an API key, and reads the audit log', async () => {
  const { hub } = suite;
  const page = await signedInAt('admin', 'nav-users', 'users-table');
  await expect(page.getByTestId('user-row').count()).resolves.toBe((await hub.hub.stores.accounts.listUsers()).length);
  await expectAccessible(page, 'users');
  await screenshot(page, 'console-admin-users');

  await page.getByTestId('create-user').click();
  const dialog = page.getByTestId('create-user-dialog');
  await dialog.getByLabel('ユーザー名').fill('welfare9');
  await dialog.getByLabel('表示名').fill('福祉課 新人');
  await dialog.getByLabel('初期パスワード').fill('a-long-initial-password');
  await dialog.getByLabel('役割').selectOption('watcher');
  await dialog.getByLabel('見守りの種類').selectOption('welfare');
  await expectAccessible(page, 'create-user');
  await screenshot(page, 'console-admin-create-user');
  await page.getByTestId('create-user-submit').click();
  await page.getByTestId('users-status').waitFor();
  await page.locator('[data-testid="user-row"][data-username="welfare9"]').waitFor();
  expect(await hub.hub.stores.accounts.userByUsername('welfare9')).toMatchObject({
    role: 'watcher',
    displayName: '福祉課 新人',
  });

  // The same user name again: a clear conflict, the dialog stays open with what was typed.
  await page.getByTestId('create-user').click();
  await dialog.getByLabel('ユーザー名').fill('welfare9');
  await dialog.getByLabel('表示名').fill('二人目');
  await dialog.getByLabel('初期パスワード').fill('a-long-initial-password');
  await dialog.getByLabel('役割').selectOption('listener');
  await page.getByTestId('create-user-submit').click();
  await expect(page.getByTestId('create-user-error').textContent()).resolves.toContain('すでに使われています');
  await expect(dialog.getByLabel('表示名').inputValue()).resolves.toBe('二人目');
  await dialog.getByRole('button', { name: 'キャンセル' }).click();

  // Disable the new user after confirming.
  await page.locator('[data-testid="user-row"][data-username="welfare9"]').getByTestId('disable-user').click();
  await page.getByTestId('confirm').click();
  await page.locator('[data-testid="user-row"][data-username="welfare9"]').getByText('停止中').waitFor();
  expect((await hub.hub.stores.accounts.userByUsername('welfare9'))?.disabled).toBe(true);

  // API key: the key is shown once, and works as a bearer token.
  await page.getByTestId('nav-api-keys').click();
  await page.getByTestId('create-api-key').click();
  await page.getByTestId('create-api-key-dialog').getByLabel('名前（用途）').fill('警報ゲートウェイ');
  await page.getByTestId('create-api-key-submit').click();
  const secret = page.getByTestId('api-key-secret');
  await secret.waitFor();
  const key = await secret.inputValue();
  expect(key.length).toBeGreaterThan(20);
  await expectAccessible(page, 'api-key-created');
  await screenshot(page, 'console-admin-api-key');
  const withKey = await fetch(`${hub.url}/api/households`, { headers: { authorization: `Bearer ${key}` } });
  expect(withKey.status).toBe(200);
  await page.getByTestId('api-key-created').getByRole('button', { name: '閉じる' }).click();
  await page.locator('[data-testid="api-key-row"][data-name="警報ゲートウェイ"]').waitFor();
  await expect(page.getByText(key).count()).resolves.toBe(0);
  await expectAccessible(page, 'api-keys');

  // Revoke it: the key stops working.
  await page.locator('[data-testid="api-key-row"][data-name="警報ゲートウェイ"]').getByTestId('revoke-api-key').click();
  await page.getByTestId('confirm').click();
  await page.getByTestId('api-keys-status').waitFor();
  const afterRevoke = await fetch(`${hub.url}/api/households`, { headers: { authorization: `Bearer ${key}` } });
  expect(afterRevoke.status).toBe(401);

  // The audit log shows what was just done.
  await tapTo(page, 'nav-audit', 'audit-table');
  await page.locator('[data-testid="audit-row"][data-action="apikey.revoked"]').first().waitFor();
  await page.locator('[data-testid="audit-row"][data-action="user.created"]').first().waitFor();
  await expectAccessible(page, 'audit');
  await screenshot(page, 'console-admin-audit');
  await page.close();
});

test('a watcher sees only their assigned households; signing out returns to the login page', async () => {
  const { hub } = suite;
  const page = await signedInAt('welfare1', 'nav-my-households', 'households-table');
  const welfare1 = (await hub.hub.stores.accounts.userByUsername('welfare1'))!;
  const assigned = await hub.hub.stores.households.list({ watcherUserId: welfare1.id });
  expect(assigned.length).toBeGreaterThan(0);
  expect(assigned.length).toBeLessThan(21);
  await expect(page.getByTestId('household-row').count()).resolves.toBe(assigned.length);
  const shownIds = await page
    .getByTestId('household-row')
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-household-id'))));
  expect(shownIds.sort()).toEqual(assigned.map((h) => h.id).sort());
  // Watchers cannot issue codes or revoke terminals, and have no admin pages.
  await expect(page.getByTestId('issue-code').count()).resolves.toBe(0);
  await expect(page.getByTestId('nav-users').count()).resolves.toBe(0);
  await expect(page.getByTestId('nav-households').count()).resolves.toBe(0);
  await expectAccessible(page, 'watcher-households');
  await screenshot(page, 'console-watcher-households');

  // The session survives a reload (restored from the cookie), on the same page (#/my-households).
  await page.reload();
  await page.getByTestId('households-table').waitFor();

  await signOut(page);
  await expect(page.getByTestId('login-notice').textContent()).resolves.toContain('ログアウトしました');
  // The session is gone on the hub too: a reload stays on the login page.
  await page.reload();
  await page.getByTestId('login-page').waitFor();
  await page.close();
});
