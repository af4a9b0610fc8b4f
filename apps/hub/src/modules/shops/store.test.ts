/**
 * The shops store on both engines: shops in service (archived ones left out, listening lines last),
 * partial edits keeping what is not named, catalogue items (prices never negative, removed ones
 * gone), photos stored as bytes and read back as they were, and the in-memory directory following
 * every write made through `Shops`.
 */
import type { OpeningHours } from '@tsunagu/protocol';
import { noChanges } from '../../db/changes';
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { createShops } from './directory';
import { createShopsStore, type ShopsStore } from './store';

const CHECK = /CHECK|check constraint/;
const FOREIGN = /FOREIGN KEY|foreign key/;
const HOURS: OpeningHours = [{ day: 1, open: '09:00', close: '17:00' }];

describe.each(ENGINES)('shops store on %s', (engine) => {
  let db: EngineDb;
  let store: ShopsStore;
  let n = 0;
  const shop = (kind: 'shop' | 'listening' = 'shop') =>
    store.create({ name: `店${++n}`, category: 'supermarket', kind, openingHours: HOURS }, 5);

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createShopsStore(engineSql(db));
  });
  afterAll(() => db.close());

  it('lists shops in service, listening lines last, and edits only what is named', async () => {
    const listening = await shop('listening');
    const [a, b] = [await shop(), await shop()];
    expect(await store.get(a)).toEqual({
      id: a,
      name: expect.any(String),
      category: 'supermarket',
      kind: 'shop',
      openingHours: HOURS,
    });
    const ids = (await store.list()).map((s) => s.id);
    expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(listening));
    expect(ids.indexOf(b)).toBeLessThan(ids.indexOf(listening));
    await store.update(a, { name: '新しい名前' });
    expect(await store.get(a)).toMatchObject({ name: '新しい名前', category: 'supermarket', openingHours: HOURS });
    await store.update(a, { openingHours: [] });
    expect(await store.get(a)).toMatchObject({ name: '新しい名前', openingHours: [] });
    await store.archive(b);
    expect(await store.get(b)).toBeUndefined();
    expect(await store.exists(b)).toBe(false);
    expect(await store.exists(a)).toBe(true);
    expect((await store.list()).map((s) => s.id)).not.toContain(b);
    await expect(
      store.create({ name: 'x', category: 'x', kind: 'other' as 'shop', openingHours: [] }, 5),
    ).rejects.toMatchObject(refused(CHECK));
  });

  it('keeps a catalogue: items by shop, partial edits, a photo URL or bytes, removal', async () => {
    const s = await shop();
    const other = await shop();
    const milk = await store.addItem({ shopId: s, name: '牛乳', priceYen: 200, unit: '本', photoUrl: null });
    const bread = await store.addItem({ shopId: s, name: 'パン', priceYen: 150, unit: '個', photoUrl: null });
    expect((await store.items(s)).map((i) => i.name)).toEqual(['牛乳', 'パン']);
    expect(await store.item(other, milk)).toBeUndefined();
    await store.updateItem(milk, { priceYen: 210, photoUrl: 'https://example.test/milk.jpg' });
    expect(await store.item(s, milk)).toEqual({
      id: milk,
      shopId: s,
      name: '牛乳',
      priceYen: 210,
      unit: '本',
      photoUrl: 'https://example.test/milk.jpg',
    });
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0xfe]);
    await store.setPhoto(bread, bytes, 'image/jpeg');
    expect(await store.photo(bread)).toEqual({ data: bytes, mime: 'image/jpeg' });
    expect((await store.item(s, bread))!.photoUrl).toMatch(new RegExp(`^/api/shop-photos/${bread}\\?v=`));
    // A URL given later replaces the stored bytes.
    await store.updateItem(bread, { photoUrl: null });
    expect(await store.photo(bread)).toBeUndefined();
    await store.removeItem(milk);
    expect((await store.items(s)).map((i) => i.id)).toEqual([bread]);
    await expect(
      store.addItem({ shopId: s, name: 'x', priceYen: -1, unit: '個', photoUrl: null }),
    ).rejects.toMatchObject(refused(CHECK));
    await expect(
      store.addItem({ shopId: 999_999, name: 'x', priceYen: 1, unit: '個', photoUrl: null }),
    ).rejects.toMatchObject(refused(FOREIGN));
    // A refused edit changes nothing (details and URL are one unit of work).
    await expect(store.updateItem(bread, { priceYen: -5, photoUrl: 'https://x.test' })).rejects.toMatchObject(
      refused(CHECK),
    );
    expect(await store.item(s, bread)).toMatchObject({ priceYen: 150, photoUrl: null });
  });

  it('keeps the in-memory directory in step with writes made through Shops', async () => {
    const log = { error: jest.fn() } as never;
    const shops = await createShops({ changes: noChanges, log }, engineSql(db));
    const before = shops.directory.list().length;
    const id = await shops.create({ name: '直売所', category: 'farm', kind: 'shop', openingHours: HOURS }, 5);
    expect(shops.directory.get(id)).toMatchObject({ name: '直売所' });
    expect(shops.directory.list()).toHaveLength(before + 1);
    await shops.update(id, { name: '朝市' });
    expect(shops.directory.get(id)).toMatchObject({ name: '朝市' });
    await shops.archive(id);
    expect(shops.directory.get(id)).toBeUndefined();
    expect(shops.directory.list()).toHaveLength(before);
  });
});
