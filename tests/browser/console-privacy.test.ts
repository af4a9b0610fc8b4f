// Personal data in the console (issue 11, ISMS basics): an administrator opens a household's
// personal data and sees who looked at it (a city-hall clerk, in plain Japanese), downloads the
// export for the resident (JSON and CSV), closes the household and erases it — the hub's refusal
// shows in the confirmation when someone reopened it meanwhile — and the name is gone from the
// list. City hall staff who are not administrators never see the section.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { checkedScreen, screenshot } from '../helpers/browser';
import { browserSuite, openConsole, postAsConsole } from '../helpers/pages';

jest.setTimeout(180_000);

const suite = browserSuite();

/** A GET through the signed-in console page's own session; the HTTP status. */
function getAsConsole(page: Page, url: string): Promise<number> {
  return page.evaluate(async (u) => (await fetch(u)).status, url);
}

test("an administrator sees who read a household, exports it, and erases it once closed; staff don't see it", async () => {
  const db = suite.hub.hub.ctx.db;
  const target = db.prepare('SELECT id, name FROM households WHERE closed_at IS NULL ORDER BY id LIMIT 1').get() as {
    id: number;
    name: string;
  };
  const rowOf = (page: Page) => page.locator(`[data-testid="household-row"][data-household-id="${target.id}"]`);

  // --- a city-hall clerk (not an administrator) reads the household; no personal-data section for them -----
  const clerk = await openConsole(suite, 'cityhall', { route: 'households', waitFor: 'households-table' });
  await rowOf(clerk).waitFor();
  await expect(clerk.getByTestId('household-privacy').count()).resolves.toBe(0);
  await expect(getAsConsole(clerk, `/api/households/${target.id}`)).resolves.toBe(200);
  await expect(getAsConsole(clerk, `/api/households/${target.id}/reads`)).resolves.toBe(403);
  await expect(postAsConsole(clerk, `/api/households/${target.id}/erase`, {})).resolves.toBe(403);

  // --- the administrator sees that read, in plain Japanese ------------------------------------------------
  const admin = await openConsole(suite, 'admin', {
    route: 'households',
    waitFor: 'households-table',
    viewport: { width: 1280, height: 1000 },
  });
  await rowOf(admin).getByTestId('household-privacy').click();
  const dialog = admin.getByTestId('privacy-dialog');
  await dialog.getByTestId('privacy-reads-table').waitFor();
  const read = dialog.getByTestId('privacy-read').first();
  await expect(read.textContent()).resolves.toContain('防災課 三鷹 花子');
  await expect(read.textContent()).resolves.toContain('世帯の情報');
  await expect(read.textContent()).resolves.toContain('127.0.0.1');
  await expect(dialog.textContent()).resolves.toContain('この世帯の情報を見た人');
  // Still served: erasure is not offered, and the dialog says why.
  await dialog.getByTestId('privacy-erase-open-only').waitFor();
  await expect(dialog.getByTestId('privacy-erase-open').count()).resolves.toBe(0);
  await checkedScreen(admin, 'privacy-dialog');

  // --- the export for the resident: JSON and CSV, each recorded as a read -----------------------------------
  const [jsonDownload] = await Promise.all([
    admin.waitForEvent('download'),
    dialog.getByTestId('privacy-export-json').click(),
  ]);
  expect(jsonDownload.suggestedFilename()).toBe(`household-${target.id}.json`);
  const exported = JSON.parse(fs.readFileSync((await jsonDownload.path()) as string, 'utf8')) as {
    householdId: number;
    household: { name: string };
  };
  expect(exported.householdId).toBe(target.id);
  expect(exported.household.name).toBe(target.name);
  const [csvDownload] = await Promise.all([
    admin.waitForEvent('download'),
    dialog.getByTestId('privacy-export-csv').click(),
  ]);
  expect(csvDownload.suggestedFilename()).toBe(`household-${target.id}.csv`);
  const csv = fs.readFileSync((await csvDownload.path()) as string, 'utf8');
  expect(csv).toContain('区分,番号,項目,値');
  expect(csv).toContain(target.name);
  // The JSON download reloads the list: the administrator's own export is there now.
  await dialog.locator('[data-testid="privacy-read"]', { hasText: '本人への開示用の書き出し' }).first().waitFor();
  await dialog.getByRole('button', { name: '閉じる' }).last().click();
  await dialog.waitFor({ state: 'detached' });

  // --- closed, then erased; a reopen in between is refused in the confirmation ------------------------------
  await rowOf(admin).getByTestId('close-household').click();
  const closing = admin.getByTestId('close-household-dialog');
  await closing.getByLabel('閉じる理由').fill('転出');
  await closing.getByTestId('close-household-confirm').click();
  await closing.waitFor({ state: 'detached' });
  await admin.getByTestId('filter-closed').check();
  await rowOf(admin).getByTestId('household-closed').waitFor();
  await rowOf(admin).getByTestId('household-privacy').click();
  await dialog.getByTestId('privacy-erase-open').click();
  const confirm = admin.getByTestId('privacy-erase-dialog');
  await expect(confirm.getByTestId('privacy-erase-removed').textContent()).resolves.toContain('住民の氏名');
  await expect(confirm.getByTestId('privacy-erase-kept').textContent()).resolves.toContain('件数');
  await checkedScreen(admin, 'privacy-erase-confirm');

  await expect(postAsConsole(admin, `/api/households/${target.id}/reopen`, {})).resolves.toBe(200);
  await confirm.getByTestId('privacy-erase-confirm').click();
  await expect(confirm.getByTestId('privacy-erase-error').textContent()).resolves.toContain('まだ閉じられていません');
  expect((db.prepare('SELECT name FROM households WHERE id = ?').get(target.id) as { name: string }).name).toBe(
    target.name,
  );
  await screenshot(admin, 'privacy-erase-refused');

  await expect(postAsConsole(admin, `/api/households/${target.id}/close`, { reason: '転出' })).resolves.toBe(200);
  await confirm.getByTestId('privacy-erase-confirm').click();
  await dialog.waitFor({ state: 'detached' });
  await expect(admin.getByTestId('households-status').textContent()).resolves.toContain(
    `世帯 ${target.id} の個人情報を消去しました`,
  );
  await rowOf(admin).waitFor();
  await admin.waitForFunction(
    ([id, name]) =>
      !document.querySelector(`[data-testid="household-row"][data-household-id="${id}"]`)?.textContent?.includes(name),
    [String(target.id), target.name] as const,
  );
  await expect(admin.getByTestId('households-table').textContent()).resolves.not.toContain(target.name);
  await expect(rowOf(admin).getByTestId('household-erased').textContent()).resolves.toBe('個人情報を消去済み');
  await expect(rowOf(admin).locator('.cell-title').textContent()).resolves.toBe(`世帯 ${target.id}`);
  const row = db.prepare('SELECT name, address FROM households WHERE id = ?').get(target.id) as {
    name: string;
    address: string;
  };
  expect(row).toEqual({ name: '', address: '' });
  await checkedScreen(admin, 'privacy-erased');
});
