// City hall's console when the hub cannot store (issue 20): the system status page in plain
// Japanese, the 「保存できません」 banner over every page (pushed by the hub, no reload), a refused
// write that says what to do, and everything back to normal once storage is back.
import { axeViolations, screenshot } from '../helpers/browser';
import { browserSuite, openConsole, postAsConsole } from '../helpers/pages';

jest.setTimeout(90_000);

const suite = browserSuite();

test('the status page, the storage banner and a refused write, in plain Japanese', async () => {
  const db = suite.hub.hub.ctx.db;
  const page = await openConsole(suite, 'cityhall', { route: 'system', waitFor: 'system-checks' });
  const overall = page.getByTestId('system-overall');
  await expect(overall.textContent()).resolves.toBe('すべて正常です。');
  await expect(page.getByTestId('system-check-database').textContent()).resolves.toContain(
    'データベース（記録の保存）',
  );
  await expect(page.getByTestId('system-check-disk').textContent()).resolves.toMatch(
    /ディスクの空き正常問題ありません。空き [\d.]+ (GB|MB)（全体/,
  );
  await expect(page.getByTestId('system-banner').count()).resolves.toBe(0);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'console-system-status');

  // The database refuses every write (read-only): a write in the console says what to do.
  db.pragma('query_only = ON');
  await page.getByTestId('nav-households').click();
  await page.getByTestId('issue-code').first().click();
  const dialog = page.getByTestId('enrollment-dialog');
  const error = dialog.getByTestId('error');
  await error.waitFor();
  await expect(error.textContent()).resolves.toContain('保存できません：ハブのディスクの空きがないか、書き込めません');
  const banner = page.getByTestId('system-banner');
  await banner.waitFor();
  await expect(banner.textContent()).resolves.toContain('保存できません：データベースに書き込めません');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  db.pragma('query_only = OFF');

  // Then the disk fills up: the database cannot grow any more (SQLite answers "disk full").
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  let status = 200;
  for (let i = 0; i < 50 && status !== 503; i++) {
    status = await postAsConsole(page, '/api/households', {
      name: '満杯',
      address: '試験町 1',
      districtId: (await suite.hub.hub.stores.households.listDistricts())[0]!.id,
      notes: 'x'.repeat(2000),
    });
  }
  expect(status).toBe(503);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="system-banner"]')?.getAttribute('data-kind') === 'disk_full',
  );
  await expect(banner.textContent()).resolves.toContain('保存できません：ディスクの空きがありません');
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'console-storage-banner');

  await page.getByTestId('nav-system').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="system-overall"]')?.getAttribute('data-status') === 'unavailable',
  );
  await expect(overall.textContent()).resolves.toContain('情報システムの担当者に連絡してください');
  await expect(page.getByTestId('system-check-database').textContent()).resolves.toContain(
    'ディスクがいっぱいで、記録を保存できません。',
  );
  await expect(page.getByTestId('system-check-database').getAttribute('data-status')).resolves.toBe('fail');
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'console-system-status-full');

  // Space is back: the banner goes by itself (a test write works and nothing failed for 10 s).
  db.pragma('max_page_count = 1073741823');
  await banner.waitFor({ state: 'detached', timeout: 40_000 });
  await page.waitForFunction(
    () => document.querySelector('[data-testid="system-overall"]')?.getAttribute('data-status') === 'ok',
  );
  await page.close();
});

test('other staff see no banner and no status page', async () => {
  const page = await openConsole(suite, 'shop1');
  await expect(page.getByTestId('nav-system').count()).resolves.toBe(0);
  await expect(page.getByTestId('system-banner').count()).resolves.toBe(0);
  await page.close();
});
