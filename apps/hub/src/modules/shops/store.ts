/** SQL for shops (and the listening line) and their catalogues. */
import { randomBytes } from 'node:crypto';
import type { CatalogueItem, OpeningHours, Shop, ShopKind } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { list, one } from '../../db/rows';

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp';

export interface ShopsStore {
  create(s: { name: string; category: string; kind: ShopKind; openingHours: OpeningHours }, now: number): number;
  get(id: number): Shop | undefined;
  /** Shops in service (archived shops are left out). */
  list(): Shop[];
  exists(id: number): boolean;
  update(id: number, patch: { name?: string; category?: string; openingHours?: OpeningHours }): void;
  archive(id: number): void;
  addItem(i: Omit<CatalogueItem, 'id'>): number;
  items(shopId: number): CatalogueItem[];
  item(shopId: number, itemId: number): CatalogueItem | undefined;
  updateItem(
    itemId: number,
    patch: { name?: string; priceYen?: number; unit?: string; photoUrl?: string | null },
  ): void;
  removeItem(itemId: number): void;
  setPhoto(itemId: number, photo: Buffer, mime: PhotoMime): void;
  photo(itemId: number): { data: Buffer; mime: PhotoMime } | undefined;
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

const ITEM_COLUMNS = 'id, shop_id AS shopId, name, price_yen AS priceYen, unit, photo_url AS photoUrl';

export function createSqliteShopsStore(db: Db): ShopsStore {
  const s = {
    insert: db.prepare('INSERT INTO shops (name, category, kind, opening_hours, created_at) VALUES (?, ?, ?, ?, ?)'),
    get: db.prepare('SELECT * FROM shops WHERE id = ? AND archived = 0'),
    list: db.prepare('SELECT * FROM shops WHERE archived = 0 ORDER BY kind DESC, id'),
    update: db.prepare(
      'UPDATE shops SET name = COALESCE(@name, name), category = COALESCE(@category, category), opening_hours = COALESCE(@hours, opening_hours) WHERE id = @id',
    ),
    archive: db.prepare('UPDATE shops SET archived = 1 WHERE id = ?'),
    insertItem: db.prepare('INSERT INTO shop_items (shop_id, name, price_yen, unit, photo_url) VALUES (?, ?, ?, ?, ?)'),
    items: db.prepare(`SELECT ${ITEM_COLUMNS} FROM shop_items WHERE shop_id = ? AND active = 1 ORDER BY id`),
    item: db.prepare(`SELECT ${ITEM_COLUMNS} FROM shop_items WHERE shop_id = ? AND id = ? AND active = 1`),
    updateItem: db.prepare(
      'UPDATE shop_items SET name = COALESCE(@name, name), price_yen = COALESCE(@priceYen, price_yen), unit = COALESCE(@unit, unit) WHERE id = @id',
    ),
    setPhotoUrl: db.prepare('UPDATE shop_items SET photo_url = ?, photo = NULL, photo_mime = NULL WHERE id = ?'),
    removeItem: db.prepare('UPDATE shop_items SET active = 0 WHERE id = ?'),
    setPhoto: db.prepare('UPDATE shop_items SET photo = ?, photo_mime = ?, photo_url = ? WHERE id = ?'),
    photo: db.prepare('SELECT photo, photo_mime FROM shop_items WHERE id = ? AND active = 1 AND photo IS NOT NULL'),
  };
  return {
    create: (x, now) =>
      Number(s.insert.run(x.name, x.category, x.kind, JSON.stringify(x.openingHours), now).lastInsertRowid),
    get: (id) => one(s.get, toShop, id),
    list: () => list(s.list, toShop),
    exists: (id) => s.get.get(id) !== undefined,
    update: (id, p) =>
      void s.update.run({
        id,
        name: p.name ?? null,
        category: p.category ?? null,
        hours: p.openingHours ? JSON.stringify(p.openingHours) : null,
      }),
    archive: (id) => void s.archive.run(id),
    addItem: (i) => Number(s.insertItem.run(i.shopId, i.name, i.priceYen, i.unit, i.photoUrl).lastInsertRowid),
    items: (shopId) => s.items.all(shopId) as CatalogueItem[],
    item: (shopId, itemId) => s.item.get(shopId, itemId) as CatalogueItem | undefined,
    updateItem(itemId, p) {
      s.updateItem.run({ id: itemId, name: p.name ?? null, priceYen: p.priceYen ?? null, unit: p.unit ?? null });
      if (p.photoUrl !== undefined) s.setPhotoUrl.run(p.photoUrl, itemId);
    },
    removeItem: (itemId) => void s.removeItem.run(itemId),
    // The URL changes with each upload so caches never show an old photo.
    setPhoto: (itemId, photo, mime) =>
      void s.setPhoto.run(photo, mime, `/api/shop-photos/${itemId}?v=${randomBytes(4).toString('hex')}`, itemId),
    photo(itemId) {
      const r = s.photo.get(itemId) as { photo: Buffer; photo_mime: PhotoMime } | undefined;
      return r && { data: r.photo, mime: r.photo_mime };
    },
  };
}
