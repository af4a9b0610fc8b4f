// A shop's own staff manage their catalogue in the console: add an item, upload its photo, see it.
import { onePixelPng } from '../../apps/hub/src/testing/harness';
import { screenshot } from '../helpers/browser';
import { browserSuite, openConsole, postAsConsole } from '../helpers/pages';

jest.setTimeout(90_000);

const suite = browserSuite();

test('shop staff add an item with an uploaded photo; another shop is not theirs to edit', async () => {
  const { hub } = suite;
  const page = await openConsole(suite, 'shop1', {
    viewport: { width: 1280, height: 1000 },
    route: 'catalogue',
    waitFor: 'catalogue-page',
  });
  await page.getByLabel('名前', { exact: true }).fill('りんご（ふじ）');
  await page.getByLabel('価格（円）').fill('150');
  await page.getByLabel('単位').fill('1個');
  await page.getByRole('button', { name: '追加', exact: true }).click();
  const row = page.getByRole('row', { name: /りんご（ふじ）/ });
  await row.waitFor();
  const photo = onePixelPng([200, 40, 40]);
  await row.locator('input[type=file]').setInputFiles({ name: 'apple.png', mimeType: 'image/png', buffer: photo });
  await row.getByRole('img', { name: 'りんご（ふじ）' }).waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector('img[alt="りんご（ふじ）"]') as HTMLImageElement | null;
    return !!img && img.complete && img.naturalWidth === 1;
  });
  await screenshot(page, 'console-catalogue');
  const shopId = hub.hub.stores.shops.directory.list().find((s) => s.name === 'みどりマート')!.id;
  const item = (await hub.hub.stores.shops.items(shopId)).find((i) => i.name === 'りんご（ふじ）');
  expect(item?.photoUrl).toMatch(/^\/api\/shop-photos\/\d+\?v=/);
  // The page offers no other shop; the API refuses one anyway.
  const otherShop = hub.hub.stores.shops.directory.list().find((s) => s.id !== shopId && s.kind === 'shop')!.id;
  await expect(
    postAsConsole(page, `/api/shops/${otherShop}/items`, { name: 'x', priceYen: 1, unit: '個' }),
  ).resolves.toBe(403);
});
