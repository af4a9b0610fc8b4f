// City hall's fleet view with a real terminal page (issue 13): the terminal reports its version and
// address; a volume test plays on the terminal, the resident answers いいえ there and the answer
// shows in the console; a remote restart reloads the terminal, which connects again; replace
// revokes it and hands city hall a new code for the same household, which enrolls it again.
import { axeViolations, screenshot } from '../helpers/browser';
import { browserSuite, enrollOnKeypad, openConsole, openPage, typeCode } from '../helpers/pages';

jest.setTimeout(180_000);

const suite = browserSuite();

test('fleet view: versions and address, volume test answered on the terminal, restart, replace', async () => {
  const household = (await suite.hub.hub.stores.households.list())[0]!;
  const terminal = await openPage(suite, 'terminal');
  await terminal.goto(`${suite.hub.url}/terminal/`);
  await enrollOnKeypad(terminal, suite.hub, household.id);

  const clerk = await openConsole(suite, 'cityhall', { route: 'terminals', waitFor: 'fleet-table' });
  const row = clerk.locator(`[data-testid="fleet-row"][data-household-id="${household.id}"]`);
  await row.and(clerk.locator('[data-state="online"]')).waitFor();
  await expect(row.getByTestId('fleet-version').textContent()).resolves.toMatch(
    /^アプリ \d+\.\d+\.\d+-web・通信 第\d+版$/,
  );
  await expect(row.getByTestId('fleet-address').textContent()).resolves.toBe('127.0.0.1');
  await expect(row.getByTestId('fleet-volume').textContent()).resolves.toBe('なし');
  await clerk.waitForTimeout(100);
  await screenshot(clerk, 'fleet');
  expect(await axeViolations(clerk)).toEqual([]);

  // --- volume test: the terminal plays the tone and asks; the resident answers いいえ -----------------
  await row.getByTestId('fleet-volume-test').click();
  await expect(clerk.getByTestId('fleet-status').textContent()).resolves.toContain('住民の答えを待っています');
  const asking = terminal.getByTestId('volume-test');
  await asking.waitFor();
  await expect(asking.locator('h1').textContent()).resolves.toBe('音が聞こえましたか');
  await screenshot(terminal, 'terminal-volume-test');
  expect(await axeViolations(terminal)).toEqual([]);
  await terminal.getByTestId('volume-no').click();
  await asking.waitFor({ state: 'detached' });
  await clerk.getByTestId('fleet-status').getByText(`${household.name} さんの答え：聞こえなかった`).waitFor();
  await row
    .getByTestId('fleet-volume')
    .getByText(/^聞こえなかった（/)
    .waitFor();

  // --- remote restart: the terminal page reloads and connects again ---------------------------------
  await terminal.evaluate(() => {
    (window as unknown as { beforeRestart: boolean }).beforeRestart = true;
  });
  const reloaded = terminal.waitForEvent('load');
  await row.getByTestId('fleet-restart').click();
  await clerk.getByTestId('fleet-restart-dialog').getByTestId('confirm').click();
  await reloaded;
  await terminal.getByTestId('home-screen').waitFor({ timeout: 20_000 });
  await expect(terminal.evaluate(() => 'beforeRestart' in window)).resolves.toBe(false);
  await row.and(clerk.locator('[data-state="online"]')).waitFor();
  const audit = suite.hub.hub.ctx.db
    .prepare("SELECT action FROM audit_log WHERE action IN ('terminal.volume_test', 'terminal.restart') ORDER BY id")
    .all();
  expect(audit).toEqual([{ action: 'terminal.volume_test' }, { action: 'terminal.restart' }]);

  // --- replace: revoked, and a new code for the same household, which enrolls the new terminal --------
  await row.getByTestId('fleet-replace').click();
  await clerk.getByTestId('fleet-replace-dialog').getByTestId('confirm').click();
  const code = (await clerk.getByTestId('enrollment-code').getAttribute('data-code'))!;
  expect(code).toMatch(/^\d{8}$/);
  await terminal.getByTestId('enrollment-screen').waitFor({ timeout: 20_000 });
  await clerk.getByRole('button', { name: '閉じる' }).click();
  await row.waitFor({ state: 'detached' });
  await typeCode(terminal, code);
  await terminal.getByTestId('enroll-connect').click();
  await terminal.getByTestId('home-screen').waitFor({ timeout: 20_000 });
  await clerk.reload();
  await clerk.getByTestId('fleet-table').waitFor();
  await row.and(clerk.locator('[data-state="online"]')).waitFor();
  expect(
    suite.hub.hub.ctx.db
      .prepare('SELECT COUNT(*) AS n FROM terminals WHERE household_id = ? AND revoked_at IS NULL')
      .get(household.id),
  ).toEqual({ n: 1 });
});
