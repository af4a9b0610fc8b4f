// A shop's own staff manage their catalogue in the console: add an item, upload its photo, see it.
import zlib from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../helpers/browser';
import { startTestHub, type TestHub } from '../helpers/hub';

jest.setTimeout(90_000);

function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, 200, 40, 40]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let hub: TestHub;
let browser: Browser;
beforeAll(async () => {
  hub = await startTestHub({ seedDemo: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await hub?.dispose();
});

test('shop staff add an item with an uploaded photo; another shop is not theirs to edit', async () => {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 1000 },
    locale: 'ja-JP',
    bypassCSP: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('console page error:', err));
  await page.goto(`${hub.url}/console/`);
  await page.getByLabel('ユーザー名').fill('shop1');
  await page.getByLabel('パスワード').fill('tsunagu-demo');
  await page.getByTestId('login-submit').click();
  await page.goto(`${hub.url}/console/#/catalogue`);
  await page.getByTestId('catalogue-page').waitFor();
  await page.getByLabel('名前', { exact: true }).fill('りんご（ふじ）');
  await page.getByLabel('価格（円）').fill('150');
  await page.getByLabel('単位').fill('1個');
  await page.getByRole('button', { name: '追加', exact: true }).click();
  const row = page.getByRole('row', { name: /りんご（ふじ）/ });
  await row.waitFor();
  await row.locator('input[type=file]').setInputFiles({ name: 'apple.png', mimeType: 'image/png', buffer: png() });
  await row.getByRole('img', { name: 'りんご（ふじ）' }).waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector('img[alt="りんご（ふじ）"]') as HTMLImageElement | null;
    return !!img && img.complete && img.naturalWidth === 1;
  });
  await screenshot(page, 'console-catalogue');
  const shopId = hub.hub.stores.shops.list().find((s) => s.name === 'みどりマート')!.id;
  const item = hub.hub.stores.shops.items(shopId).find((i) => i.name === 'りんご（ふじ）');
  expect(item?.photoUrl).toMatch(/^\/api\/shop-photos\/\d+\?v=/);
  // The page offers no other shop; the API refuses one anyway.
  const otherShop = hub.hub.stores.shops.list().find((s) => s.id !== shopId && s.kind === 'shop')!.id;
  const status = await page.evaluate(async (id) => {
    const s = await (await fetch('/api/auth/session')).json();
    return (
      await fetch(`/api/shops/${id}/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({ name: 'x', priceYen: 1, unit: '個' }),
      })
    ).status;
  }, otherShop);
  expect(status).toBe(403);
});
