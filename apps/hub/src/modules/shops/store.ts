/**
 * Shops (and the listening line) and their catalogues, on both engines (one SQL text over
 * db/sql.ts; store.test.ts runs on SQLite and PostgreSQL).
 */
import { randomBytes } from 'node:crypto';
import type { CatalogueItem, OpeningHours, Shop, ShopKind } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp';

export interface ShopsStore {
  create(
    s: { name: string; category: string; kind: ShopKind; openingHours: OpeningHours },
    now: number,
  ): Promise<number>;
  get(id: number): Promise<Shop | undefined>;
  /** Shops in service (archived shops are left out). */
  list(): Promise<Shop[]>;
  exists(id: number): Promise<boolean>;
  update(id: number, patch: { name?: string; category?: string; openingHours?: OpeningHours }): Promise<void>;
  archive(id: number): Promise<void>;
  addItem(i: Omit<CatalogueItem, 'id'>): Promise<number>;
  items(shopId: number): Promise<CatalogueItem[]>;
  item(shopId: number, itemId: number): Promise<CatalogueItem | undefined>;
  /** Details and the photo URL in one unit of work. */
  updateItem(
    itemId: number,
    patch: { name?: string; priceYen?: number; unit?: string; photoUrl?: string | null },
  ): Promise<void>;
  removeItem(itemId: number): Promise<void>;
  setPhoto(itemId: number, photo: Buffer, mime: PhotoMime): Promise<void>;
  photo(itemId: number): Promise<{ data: Buffer; mime: PhotoMime } | undefined>;
}

interface ShopRow {
  id: number;
  name: string;
  category: string;
  kind: ShopKind;
  opening_hours: string;
}
const toShop = (r: ShopRow): Shop => ({
  id: r.id,
  name: r.name,
  category: r.category,
  kind: r.kind,
  openingHours: JSON.parse(r.opening_hours) as OpeningHours,
});

const SHOP_COLUMNS = 'id, name, category, kind, opening_hours';
const ITEM_COLUMNS = 'id, shop_id AS "shopId", name, price_yen AS "priceYen", unit, photo_url AS "photoUrl"';
const GET = `SELECT ${SHOP_COLUMNS} FROM shops WHERE id = ? AND archived = 0`;

export function createShopsStore(sql: Sql): ShopsStore {
  return {
    create: async (x, now) =>
      (await sql.get<{ id: number }>(
        'INSERT INTO shops (name, category, kind, opening_hours, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
        [x.name, x.category, x.kind, JSON.stringify(x.openingHours), now],
      ))!.id,
    get: async (id) => {
      const r = await sql.get<ShopRow>(GET, [id]);
      return r && toShop(r);
    },
    list: async () =>
      (await sql.all<ShopRow>(`SELECT ${SHOP_COLUMNS} FROM shops WHERE archived = 0 ORDER BY kind DESC, id`)).map(
        toShop,
      ),
    exists: async (id) => (await sql.get(GET, [id])) !== undefined,
    update: async (id, p) =>
      void (await sql.run(
        'UPDATE shops SET name = COALESCE(?, name), category = COALESCE(?, category), opening_hours = COALESCE(?, opening_hours) WHERE id = ?',
        [p.name ?? null, p.category ?? null, p.openingHours ? JSON.stringify(p.openingHours) : null, id],
      )),
    archive: async (id) => void (await sql.run('UPDATE shops SET archived = 1 WHERE id = ?', [id])),
    addItem: async (i) =>
      (await sql.get<{ id: number }>(
        'INSERT INTO shop_items (shop_id, name, price_yen, unit, photo_url) VALUES (?, ?, ?, ?, ?) RETURNING id',
        [i.shopId, i.name, i.priceYen, i.unit, i.photoUrl],
      ))!.id,
    items: (shopId) =>
      sql.all<CatalogueItem>(`SELECT ${ITEM_COLUMNS} FROM shop_items WHERE shop_id = ? AND active = 1 ORDER BY id`, [
        shopId,
      ]),
    item: (shopId, itemId) =>
      sql.get<CatalogueItem>(`SELECT ${ITEM_COLUMNS} FROM shop_items WHERE shop_id = ? AND id = ? AND active = 1`, [
        shopId,
        itemId,
      ]),
    updateItem: (itemId, p) =>
      sql.transaction(async (tx) => {
        await tx.run(
          'UPDATE shop_items SET name = COALESCE(?, name), price_yen = COALESCE(?, price_yen), unit = COALESCE(?, unit) WHERE id = ?',
          [p.name ?? null, p.priceYen ?? null, p.unit ?? null, itemId],
        );
        if (p.photoUrl !== undefined)
          await tx.run('UPDATE shop_items SET photo_url = ?, photo = NULL, photo_mime = NULL WHERE id = ?', [
            p.photoUrl,
            itemId,
          ]);
      }),
    removeItem: async (itemId) => void (await sql.run('UPDATE shop_items SET active = 0 WHERE id = ?', [itemId])),
    // The URL changes with each upload so caches never show an old photo.
    setPhoto: async (itemId, photo, mime) =>
      void (await sql.run('UPDATE shop_items SET photo = ?, photo_mime = ?, photo_url = ? WHERE id = ?', [
        photo,
        mime,
        `/api/shop-photos/${itemId}?v=${randomBytes(4).toString('hex')}`,
        itemId,
      ])),
    async photo(itemId) {
      const r = await sql.get<{ photo: Buffer; photo_mime: PhotoMime }>(
        'SELECT photo, photo_mime FROM shop_items WHERE id = ? AND active = 1 AND photo IS NOT NULL',
        [itemId],
      );
      return r && { data: r.photo, mime: r.photo_mime };
    },
  };
}
