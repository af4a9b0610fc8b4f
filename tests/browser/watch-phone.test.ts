// A watcher on a phone (issue 16): the console at phone size, notification settings (e-mail and this
// device's Web Push), then a resident answers a safety check 助けが必要です on the terminal — the
// watcher's phone page shows the help request live, the hub's mail reaches a real SMTP server and
// its Web Push a local push service that checks VAPID and decrypts the message; the link in it
// acknowledges the alert. Screens are checked with axe and screenshotted for docs/watch.md.
//
// Chromium here cannot reach a real push service (Google's FCM), so the page's
// PushManager.subscribe answers with a subscription of the local push service (keys made by the
// test); the service worker, the hub's sending, VAPID and aes128gcm are all real.
import { FakeClock } from '../../apps/hub/src/lib/clock';
import {
  startMailServer,
  startPushService,
  type TestMailServer,
  type TestPushService,
} from '../../apps/hub/src/testing/notify-servers';
import { axeViolations, screenshot } from '../helpers/browser';
import { announce, browserSuite, checkTerminalScreen, jst, openConsole, openTerminal } from '../helpers/pages';

jest.setTimeout(180_000);

const PHONE = { width: 390, height: 844 };

let mail: TestMailServer;
let push: TestPushService;
beforeAll(async () => {
  [mail, push] = await Promise.all([startMailServer(), startPushService()]);
});
afterAll(async () => {
  await Promise.all([mail?.close(), push?.close()]);
});

const clock = new FakeClock(jst(5, 8, 30));
const suite = browserSuite({
  clock,
  config: () => ({
    notifications: {
      smtpUrl: mail.url,
      mailFrom: 'つなぐ 見守り <mimamori@example.city>',
      push: true,
      vapidKeys: null,
      vapidSubject: null,
      pushCa: push.ca,
    },
  }),
});

test('a watcher subscribes on a phone, and a resident’s 助けが必要です reaches it by push and e-mail', async () => {
  const { hub } = suite;
  const db = hub.hub.ctx.db;
  const resident = hub.demo.terminals[0]!;

  // --- the family member's phone: notification settings ------------------------------------------
  const phone = await openConsole(suite, 'family1', { viewport: PHONE });
  const device = push.subscribe();
  await phone.context().grantPermissions(['notifications']);
  await phone.context().addInitScript(
    ({ endpoint, p256dh, auth }) => {
      const subscription = {
        endpoint,
        expirationTime: null,
        toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
      };
      PushManager.prototype.getSubscription = async () => null;
      PushManager.prototype.subscribe = async () => subscription as unknown as PushSubscription;
    },
    { endpoint: device.endpoint, ...device.keys },
  );
  await phone.goto(`${hub.url}/console/#/notifications`);
  await phone.reload(); // a new document, so the init script runs
  await phone.getByTestId('notifications-page').waitFor();
  await phone.getByTestId('notify-email').fill('ichiro@example.jp');
  await phone.getByTestId('notify-mail').check();
  await phone.getByTestId('notify-save').click();
  await phone.getByTestId('notify-status').filter({ hasText: '保存しました' }).waitFor();
  await phone.getByTestId('notify-device-label').fill('一郎のスマートフォン');
  await phone.getByTestId('notify-subscribe').click();
  await phone
    .getByTestId('notify-devices')
    .getByText('一郎のスマートフォン', { exact: true })
    .or(phone.getByTestId('notify-error'))
    .waitFor();
  expect(await phone.getByTestId('notify-error').allTextContents()).toEqual([]);
  // The console's own service worker took over (it shows the notifications).
  await expect(
    phone.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL ?? ''),
  ).resolves.toMatch(/\/console\/sw\.js$/);
  expect({ violations: await axeViolations(phone) }).toEqual({ violations: [] });
  await screenshot(phone, 'watch-phone-settings');

  // --- a safety check; the resident answers 助けが必要です on the terminal ----------------------------
  await phone.goto(`${hub.url}/console/#/watch`);
  await phone.getByTestId('watch-page').waitFor();
  await phone.locator('[data-testid="live-status"][data-status="online"]').waitFor();
  const created = await announce(hub, {
    kind: 'important',
    titleJa: '地震の安否確認',
    bodyJa: '地震がありました。ご無事ですか。',
    safetyCheck: true,
    target: { type: 'all' },
  });
  expect(created.statusCode).toBe(201);
  const terminal = await openTerminal(suite, { credential: resident.credential });
  await terminal.locator('[data-testid="home-announcements"] .ts-badge').waitFor();
  await terminal.getByTestId('home-announcements').click();
  await terminal.getByText('地震の安否確認').first().waitFor();
  await terminal.getByTestId('announcement-need-help').click();

  // --- the phone: the alert live, the push decrypted, the mail received ---------------------------
  const card = phone.locator('.watch-alert-kind-help_request');
  await card.waitFor();
  await expect(card.textContent()).resolves.toContain('助けを求めています');
  const message = await push.next(device.endpoint);
  expect(message.payload).toMatchObject({
    title: `【至急】${resident.householdName}さん: 助けを求めています`,
    urgent: true,
  });
  const letter = await mail.next('ichiro@example.jp');
  expect(letter.text).toContain('安否確認で「助けが必要です」と答えました');
  const alertId = Number(message.payload.alertId);
  await phone.getByTestId(`watch-deliveries-${alertId}`).locator('summary').click();
  await phone.locator(`[data-testid="watch-deliveries-${alertId}"] li[data-status="sent"]`).nth(1).waitFor();
  expect({ violations: await axeViolations(phone) }).toEqual({ violations: [] });
  await screenshot(phone, 'watch-phone-alert');

  // --- the notification's link: one tap acknowledges -----------------------------------------------
  await phone.goto(`${hub.url}${String(message.payload.url)}`);
  await phone.getByTestId('ack-page').waitFor();
  await phone.getByTestId('ack-button').click();
  await phone.getByTestId('ack-status').filter({ hasText: '確認済みにしました' }).waitFor();
  await expect(phone.getByTestId('ack-alert').getAttribute('data-state')).resolves.toBe('acknowledged');
  expect({ violations: await axeViolations(phone) }).toEqual({ violations: [] });
  await screenshot(phone, 'watch-phone-ack');
  expect(db.prepare('SELECT kind, state, acknowledged_by FROM watch_alerts WHERE id = ?').get(alertId)).toEqual({
    kind: 'help_request',
    state: 'acknowledged',
    acknowledged_by: expect.stringMatching(/^user:\d+:family1$/),
  });
  // The same link does not work twice.
  await phone.goto(`${hub.url}/console/#/watch`);
  await phone.goto(`${hub.url}${String(message.payload.url)}`);
  await phone.getByTestId('ack-button').click();
  await phone.getByTestId('ack-error').filter({ hasText: 'すでに使われています' }).waitFor();
});

// Uses the phone subscription made by the test above (one hub and browser per file).
test('助けて on the terminal: confirmed on a second screen, heard, and the resident is told who has seen it', async () => {
  const { hub } = suite;
  const resident = hub.demo.terminals[0]!;
  const terminal = await openTerminal(suite, { credential: resident.credential });
  await terminal.getByTestId('home-help').click();
  await terminal.getByTestId('help-screen').waitFor();
  await checkTerminalScreen(terminal, 'terminal-help-confirm');
  // Nothing is sent before the second, deliberate tap.
  const before = push.received.length;
  const earlierAlerts = new Set(push.received.map((m) => m.payload.alertId));
  await terminal.getByTestId('help-confirm').click();
  await terminal.getByTestId('help-sent-screen').waitFor();
  await expect(terminal.getByTestId('announcer').textContent()).resolves.toContain('助けを呼びました');
  await checkTerminalScreen(terminal, 'terminal-help-sent');

  // The family member's phone is told: a push for this new alert (a late retry of the safety check's
  // push, whose link is already used, has the same title).
  const isNew = (m: (typeof push.received)[number]) => !earlierAlerts.has(m.payload.alertId);
  const deadline = Date.now() + 15_000;
  while (!push.received.some(isNew) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(push.received.length).toBeGreaterThan(before);
  const message = push.received.find(isNew)!;
  expect(message.payload).toMatchObject({ title: `【至急】${resident.householdName}さん: 助けを求めています` });
  const phone = await openConsole(suite, 'family1', { viewport: PHONE });
  await phone.goto(`${hub.url}${String(message.payload.url)}`);
  await phone.reload();
  await phone.getByTestId('ack-button').click();
  await phone.getByTestId('ack-status').filter({ hasText: '確認済みにしました' }).waitFor();
  await expect(terminal.getByTestId('help-seen').textContent()).resolves.toContain(
    '佐藤 一郎 (長男)さんが確認しました',
  );
  await expect(terminal.getByTestId('announcer').textContent()).resolves.toContain('あなたの連絡を確認しました');
  await screenshot(terminal, 'terminal-help-seen');
});
