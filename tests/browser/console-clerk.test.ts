// A new city-hall clerk's first day, in the console only (issue 13): import the welfare section's
// list (five households and one with a problem, Shift_JIS as Excel saves it), create a watcher's
// account and assign them, set the check-in plan with its day previewed, issue the enrollment
// code, enroll the terminal on its keypad; the new watcher sets their password with the invitation
// code; the clerk runs "test this plan now" and the watcher sees the test alert (the hub's test clock
// only hurries the shortened ladder along). Every page and dialog is checked with axe and
// screenshotted for docs/operations.md.
import iconv from 'iconv-lite';
import { FakeClock } from '../../apps/hub/src/lib/clock';
import { checkedScreen, screenshot } from '../helpers/browser';
import { browserSuite, jst, openConsole, openPage, signIn, typeCode } from '../helpers/pages';

jest.setTimeout(180_000);

const clock = new FakeClock(jst(5, 8, 0));
const suite = browserSuite({ clock });

const LIST = [
  '氏名,ふりがな,住所,電話番号,地区,要援護者,備考',
  '初日 ハル,しょにち はる,三鷹市大沢２－１－１,０４２２－３１－０００１,大沢,○,車いす',
  '初日 一郎,しょにち いちろう,三鷹市東部1-2-3,0422-31-0002,東部,はい,',
  '初日 花子,しょにち はなこ,三鷹市西部4-5-6,0422-31-0003,西部,いいえ,',
  '初日 次郎,しょにち じろう,三鷹市井の頭7-8-9,,井の頭,,',
  '初日 三郎,しょにち さぶろう,三鷹市連雀1-1-1,0422-31-0005,連雀,はい,',
  '初日 誤記,しょにち ごき,三鷹市北部1-1-1,0422-31-0006,北部,はい,',
].join('\r\n');

test("a clerk's first day: import, watcher, plan, code, terminal, the plan test and the watcher's alert", async () => {
  const db = suite.hub.hub.ctx.db;
  const clerk = await openConsole(suite, 'cityhall', {
    route: 'households',
    waitFor: 'households-table',
    viewport: { width: 1280, height: 1000 },
  });
  await checkedScreen(clerk, 'clerk-households');
  // The fleet's stragglers: terminals not seen for a day or more (the demo's have never connected).
  const rows = clerk.getByTestId('household-row');
  const all = await rows.count();
  await clerk.getByTestId('filter-offline').selectOption('24');
  await expect(rows.count()).resolves.toBe(suite.hub.demo.terminals.length);
  expect(suite.hub.demo.terminals.length).toBeLessThan(all);
  await clerk.getByTestId('filter-offline').selectOption('-1');
  await expect(rows.count()).resolves.toBe(all);

  // --- the welfare section's list: a dry run lists the problem, then the five are registered ---------
  await clerk.getByTestId('import-households').click();
  const importing = clerk.getByTestId('import-dialog');
  await importing.getByTestId('import-file').setInputFiles({
    name: '要援護者名簿.csv',
    mimeType: 'text/csv',
    buffer: iconv.encode(LIST, 'cp932'),
  });
  await importing.getByTestId('import-preview').waitFor();
  await expect(importing.getByTestId('import-summary').textContent()).resolves.toBe(
    '登録する 5 件、登録済みで飛ばす 0 件、問題があって登録しない 1 件',
  );
  const bad = importing.locator('[data-testid="import-row"][data-action="error"]');
  await expect(bad.getAttribute('data-line')).resolves.toBe('7');
  await expect(bad.getByTestId('import-problem').textContent()).resolves.toBe('地区「北部」が見つかりません');
  await expect(importing.textContent()).resolves.toContain('備考→メモ');
  const before = (db.prepare('SELECT COUNT(*) AS n FROM households').get() as { n: number }).n;
  await checkedScreen(clerk, 'clerk-import-preview');
  expect((db.prepare('SELECT COUNT(*) AS n FROM households').get() as { n: number }).n).toBe(before);
  await importing.getByTestId('import-run').click();
  await importing.waitFor({ state: 'detached' });
  await expect(clerk.getByTestId('households-status').textContent()).resolves.toBe('5 件の世帯を登録しました。');
  const haru = db.prepare("SELECT id, assistance_reason FROM households WHERE name = '初日 ハル'").get() as {
    id: number;
    assistance_reason: string;
  };
  const row = clerk.locator(`[data-testid="household-row"][data-household-id="${haru.id}"]`);
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain('しょにち はる');

  // --- edit: the reason for assistance, a second resident ------------------------------------------
  await row.getByTestId('edit-household').click();
  const editing = clerk.getByTestId('household-dialog');
  await editing.getByLabel('支援が必要な理由').fill('車いす・一人暮らし');
  await editing.getByLabel('住民（1行に1人）').fill('初日 ハル\n初日 夏');
  await checkedScreen(clerk, 'clerk-household-edit');
  await editing.getByTestId('household-save').click();
  await editing.waitFor({ state: 'detached' });
  await row.getByText('車いす・一人暮らし').waitFor();
  await expect(row.textContent()).resolves.toContain('初日 ハル、初日 夏');

  // --- a new watcher's account, from the household, assigned first in line -----------------------
  await row.getByTestId('household-watchers').click();
  const watchers = clerk.getByTestId('household-watchers-dialog');
  await watchers.getByTestId('new-watcher').click();
  const creating = clerk.getByTestId('create-watcher-dialog');
  await creating.getByLabel('表示名（例：福祉課 青木、長男 山田 一郎）').fill('福祉課 新人');
  await creating.getByLabel('ユーザー名（ログインに使う英小文字・数字）').fill('shinjin');
  await creating.getByTestId('create-watcher-submit').click();
  const invitation = clerk.getByTestId('invitation-dialog');
  const code = (await invitation.getByTestId('invitation-code').getAttribute('data-code'))!;
  expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await checkedScreen(clerk, 'clerk-watcher-invitation');
  await invitation.getByRole('button', { name: '閉じる' }).click();
  await invitation.waitFor({ state: 'detached' });
  await expect(watchers.getByTestId('watcher-choice').inputValue()).resolves.not.toBe('0');
  await watchers.getByTestId('add-watcher').click();
  await expect(watchers.getByTestId('household-watchers-status').textContent()).resolves.toBe(
    '福祉課 新人 を 1番目の担当にしました。',
  );
  await watchers.locator('[data-testid="household-watcher"][data-username="shinjin"]').waitFor();
  await checkedScreen(clerk, 'clerk-household-watchers');
  await watchers.getByRole('button', { name: '閉じる' }).click();

  // --- the check-in plan: deadline 09:00, watchers told at 09:30, previewed before saving ---------
  await row.getByTestId('household-plan').click();
  const plan = clerk.getByTestId('plan-dialog');
  await plan.getByTestId('plan-timeline').waitFor();
  await plan.getByTestId('plan-deadline').fill('09:00');
  await plan.getByTestId('plan-reminders').fill('30');
  await plan.getByTestId('plan-grace').fill('30');
  const steps = await plan.getByTestId('plan-step').allTextContents();
  expect(steps.slice(1)).toEqual([
    '08:30端末で「元気です」を押すよう知らせます（期限の 30 分前）',
    '09:00確認の期限：まだなら端末でもう一度知らせ、見守り画面に「未確認」と出ます',
    '09:301番目の担当に知らせます（福祉課 新人）',
    expect.stringMatching(/^10:302番目の担当に知らせます/),
  ]);
  await plan.getByTestId('plan-timeline').scrollIntoViewIfNeeded();
  await checkedScreen(clerk, 'clerk-plan');
  await plan.getByTestId('plan-save').click();
  await plan.waitFor({ state: 'detached' });
  await expect(clerk.getByTestId('households-status').textContent()).resolves.toBe(
    '「初日 ハル」の見守りの予定を保存しました。',
  );

  // --- the enrollment code with the household's address, then the terminal on its keypad --------
  await row.getByTestId('issue-code').click();
  const enrollment = clerk.getByTestId('enrollment-dialog');
  const enrollmentCode = (await enrollment.getByTestId('enrollment-code').getAttribute('data-code'))!;
  await expect(enrollment.getByTestId('enrollment-address').textContent()).resolves.toBe(
    '住所：三鷹市大沢2-1-1（大沢）',
  );
  await checkedScreen(clerk, 'clerk-enrollment-code');
  await enrollment.getByRole('button', { name: '閉じる' }).click();

  const terminal = await openPage(suite, 'terminal');
  await terminal.goto(`${suite.hub.url}/terminal/`);
  await terminal.getByTestId('enrollment-screen').waitFor();
  await typeCode(terminal, enrollmentCode);
  await terminal.getByTestId('enroll-connect').click();
  await terminal.getByTestId('home-screen').waitFor({ timeout: 20_000 });
  await row.locator('[data-testid="terminal-state"][data-state="online"]').waitFor();

  // --- the new watcher sets a password with the code, signs in and opens the watch --------------
  const watcher = await openPage(suite, 'watcher', { viewport: { width: 1280, height: 1000 } });
  await watcher.goto(`${suite.hub.url}/console/`);
  await watcher.getByTestId('open-invitation').click();
  await watcher.getByLabel('招待コード').fill(code.toLowerCase());
  await watcher.getByLabel('新しいパスワード（10文字以上）').fill('shinjin-no-password');
  await checkedScreen(watcher, 'watcher-invitation-form');
  await watcher.getByTestId('invitation-submit').click();
  await expect(watcher.getByTestId('login-notice').textContent()).resolves.toContain('ユーザー名「shinjin」');
  await signIn(watcher, 'shinjin', 'shinjin-no-password');
  await watcher.getByTestId('signed-in-as').waitFor();
  await watcher.getByTestId('nav-watch').click();
  await watcher.getByTestId('watch-page').waitFor();
  await watcher.locator('[data-testid="live-status"][data-status="online"]').waitFor();

  // --- "test this plan now": the clerk runs the shortened ladder from the plan editor --------------
  await row.getByTestId('household-plan').click();
  const testing = clerk.getByTestId('plan-dialog').getByTestId('plan-test');
  await testing.getByTestId('plan-test-start').click();
  await testing.getByTestId('plan-test-running').waitFor();
  await expect(testing.getByTestId('plan-test-step').allTextContents()).resolves.toEqual([
    '08:00端末で「元気です」を押すよう知らせる（テスト）',
    '08:01期限：まだなら端末でもう一度知らせる',
    '08:021番目の担当に知らせる',
    '08:032番目の担当に知らせる',
  ]);
  await testing.locator('[data-testid="plan-test-now"][data-progress="waiting"]').waitFor();
  // The terminal shows it (and says it) as a test.
  const testReminder = terminal.locator('[data-testid="home-checkin-reminder"][data-test="true"]');
  await testReminder.waitFor();
  await expect(testReminder.textContent()).resolves.toMatch(/^テスト これはテストです。/);
  await screenshot(terminal, 'terminal-plan-test');
  await testing.scrollIntoViewIfNeeded();
  await checkedScreen(clerk, 'clerk-plan-test');

  // The hub's test clock only hurries the shortened ladder along: its deadline a minute later, then
  // the first watcher a minute after that, who is alerted live, marked as a test.
  clock.set(jst(5, 8, 1));
  await testing.locator('[data-testid="plan-test-now"][data-progress="reminded"]').waitFor();
  clock.set(jst(5, 8, 2));
  const flash = watcher.locator('[data-testid="watch-flash"][data-test="true"]');
  await flash.waitFor();
  await expect(flash.textContent()).resolves.toBe('【テスト】新しいアラート: 初日 ハル');
  const card = watcher.locator('li.watch-alert[data-test="true"][data-level="1"]');
  await card.getByTestId('watch-alert-test').waitFor();
  await testing.locator('[data-testid="plan-test-now"][data-progress="level1"]').waitFor();
  // Not a real miss: the board still waits for today's 09:00 deadline.
  await watcher.locator(`[data-testid="watch-row-${haru.id}"][data-status="waiting"]`).waitFor();
  await checkedScreen(watcher, 'watcher-first-alert');
  await card.getByRole('button', { name: '確認しました' }).click();
  await watcher.locator('li.watch-alert[data-test="true"][data-state="acknowledged"]').waitFor();
  await testing.locator('[data-testid="plan-test-now"][data-progress="acknowledged"]').waitFor();

  // The clerk ends the test: the terminal's test reminder goes, nothing counts as a missed check-in.
  await testing.getByTestId('plan-test-cancel').click();
  await expect(testing.getByTestId('plan-test-ended').textContent()).resolves.toBe(
    '前回のテスト（08:00 開始）は、途中で終えました。',
  );
  await testReminder.waitFor({ state: 'detached' });
  expect(db.prepare('SELECT COUNT(*) AS n FROM watch_alerts WHERE day IS NOT NULL').get()).toEqual({ n: 0 });
  await clerk.getByTestId('plan-dialog').getByRole('button', { name: 'キャンセル' }).click();

  // --- city hall's list of watchers shows the new one, active, with the household -----------------
  await clerk.getByTestId('nav-watchers').click();
  const listed = clerk.locator('[data-testid="watcher-row"][data-username="shinjin"]');
  await listed.waitFor();
  await expect(listed.textContent()).resolves.toContain('初日 ハル（1番目）');
  await expect(listed.textContent()).resolves.toContain('利用中');
  await checkedScreen(clerk, 'clerk-watchers');

  // Switched off (e.g. moved to another section): signed out at once; then on again.
  await listed.getByTestId('disable-watcher').click();
  await clerk.getByTestId('disable-watcher-dialog').getByTestId('confirm').click();
  await expect(clerk.getByTestId('watchers-status').textContent()).resolves.toBe('福祉課 新人 を停止しました。');
  await expect(listed.textContent()).resolves.toContain('停止中');
  await watcher.getByTestId('login-page').waitFor();
  await listed.getByTestId('enable-watcher').click();
  await listed.getByText('利用中').waitFor();

  // The listening line is a line, not a shop: hours taking calls (受付), no items or prices.
  const line = db.prepare("SELECT id FROM shops WHERE kind = 'listening'").get() as { id: number };
  await clerk.getByTestId('nav-catalogue').click();
  await clerk.getByTestId('catalogue-shop').selectOption(String(line.id));
  await clerk.getByTestId('listening-line-note').waitFor();
  await expect(clerk.locator('#hours-title').textContent()).resolves.toContain('受付時間');
  await expect(clerk.locator('#items-title').count()).resolves.toBe(0);
  await expect(clerk.locator('section[aria-labelledby="hours-title"]').textContent()).resolves.not.toContain('営業');
  await checkedScreen(clerk, 'clerk-listening-line');
});
