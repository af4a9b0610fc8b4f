import { expectAccessible, screenshot } from '../helpers/browser';
import { browserSuite, openConsole } from '../helpers/pages';

jest.setTimeout(180_000);

const suite = browserSuite();

const capAlert = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
<identifier>BOUSAI-1</identifier><sender>bousai@example.jp</sender><sent>2026-01-05T09:00:00+09:00</sent>
<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
<info><language>ja-JP</language><category>Met</category><event>大雨</event><urgency>Immediate</urgency>
<severity>Extreme</severity><certainty>Observed</certainty><headline>大雨特別警報</headline>
<description>命を守る行動をとってください。</description><area><areaDesc>市内全域</areaDesc></area></info>
</alert>`;

test("a key's alert waits for approval; a correction after approval waits for a second person", async () => {
  const { hub } = suite;
  // The administrator creates a key for the city's disaster system and sets how it is handled.
  const admin = await openConsole(suite, 'admin', { bypassCSP: true, route: 'api-keys', waitFor: 'create-api-key' });
  await admin.getByTestId('create-api-key').click();
  await admin.getByTestId('create-api-key-dialog').getByLabel('名前（用途）').fill('防災システム');
  await admin.getByTestId('create-api-key-submit').click();
  const key = await admin.getByTestId('api-key-secret').inputValue();
  await admin.getByTestId('api-key-created').getByRole('button', { name: '閉じる' }).click();
  const row = admin.locator('[data-testid="api-key-row"][data-name="防災システム"]');
  await expect(row.getByTestId('api-key-sending').textContent()).resolves.toContain('承認を待つ');
  await row.getByTestId('edit-sender-policy').click();
  const dialog = admin.getByTestId('sender-policy-dialog');
  await dialog.getByLabel(/CAP警報の発信者/).fill('bousai@example.jp');
  await dialog.getByTestId('publish-hold').check();
  await expectAccessible(admin, 'sender-policy-dialog');
  await screenshot(admin, 'console-api-key-sending');
  await dialog.getByTestId('sender-policy-submit').click();
  await admin.getByTestId('api-keys-status').waitFor();
  await expect(row.getByTestId('api-key-sending').textContent()).resolves.toContain('bousai@example.jp');
  await expectAccessible(admin, 'api-keys-with-sending');

  // The key sends an emergency: it waits for approval.
  const sent = await fetch(`${hub.url}/api/cap`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cap+xml' },
    body: capAlert,
  });
  expect(sent.status).toBe(201);
  const { announcementId } = (await sent.json()) as { announcementId: number };

  // City hall approves it, then corrects it.
  const cityhall = await openConsole(suite, 'cityhall', {
    bypassCSP: true,
    route: `announcements/${announcementId}`,
    waitFor: 'announcement-detail',
  });
  const detail = cityhall.getByTestId('announcement-detail');
  await expect(detail.textContent()).resolves.toContain('承認待ち');
  await detail.getByTestId('announcement-approve').click();
  await cityhall.getByTestId('confirm').click();
  await detail.getByText('配信中').waitFor();
  await detail.getByTestId('announcement-edit').click();
  const edit = cityhall.getByTestId('edit-dialog');
  await edit.getByLabel('本文（日本語）').fill('高台の避難所へ、今すぐ避難してください。');
  await edit.getByRole('button', { name: '訂正を送信' }).click();
  await cityhall.getByTestId('announcement-note').waitFor();
  const waiting = detail.getByTestId('announcement-pending-change');
  await expect(waiting.textContent()).resolves.toContain('高台の避難所へ、今すぐ避難してください。');
  // The one who wrote the correction cannot approve it, and terminals keep the approved text.
  await expect(detail.getByTestId('announcement-approve').count()).resolves.toBe(0);
  expect(await hub.hub.capabilities.announcements.get(announcementId)).toMatchObject({
    bodyJa: '命を守る行動をとってください。',
    approvedBy: null,
  });
  await expectAccessible(cityhall, 'announcement-pending-change');
  await screenshot(cityhall, 'console-announcement-pending-change');

  // A second person approves the correction: it goes out.
  await admin.goto(`${hub.url}/console/#/announcements/${announcementId}`);
  const adminDetail = admin.getByTestId('announcement-detail');
  await adminDetail.getByTestId('announcement-approve').click();
  await admin.getByTestId('confirm').click();
  await adminDetail.getByText('高台の避難所へ、今すぐ避難してください。').first().waitFor();
  await expect(adminDetail.getByTestId('announcement-pending-change').count()).resolves.toBe(0);
  expect(await hub.hub.capabilities.announcements.get(announcementId)).toMatchObject({
    bodyJa: '高台の避難所へ、今すぐ避難してください。',
    approvedBy: expect.stringContaining('admin'),
    version: 2,
  });
});
