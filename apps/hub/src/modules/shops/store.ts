/** SQL for shops (and the listening line) and their catalogues. The calls module builds on this. */
import type { CatalogueItem, OpeningHours, Shop, ShopKind } from '@tsunagu/protocol';
import type { Db } from '../../db/database';

export interface ShopsStore {
  create(s: { name: string; category: string; kind: ShopKind; openingHours: OpeningHours }, now: number): number;
  get(id: number): Shop | undefined;
  list(): Shop[];
  exists(id: number): boolean;
  addItem(i: Omit<CatalogueItem, 'id'>): number;
  items(shopId: number): CatalogueItem[];
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

export function createSqliteShopsStore(db: Db): ShopsStore {
  const s = {
    insert: db.prepare('INSERT INTO shops (name, category, kind, opening_hours, created_at) VALUES (?, ?, ?, ?, ?)'),
    get: db.prepare('SELECT * FROM shops WHERE id = ?'),
    list: db.prepare('SELECT * FROM shops ORDER BY kind DESC, id'),
    insertItem: db.prepare('INSERT INTO shop_items (shop_id, name, price_yen, unit, photo_url) VALUES (?, ?, ?, ?, ?)'),
    items: db.prepare(
      'SELECT id, shop_id AS shopId, name, price_yen AS priceYen, unit, photo_url AS photoUrl FROM shop_items WHERE shop_id = ? AND active = 1 ORDER BY id',
    ),
  };
  return {
    create: (x, now) => Number(s.insert.run(x.name, x.category, x.kind, JSON.stringify(x.openingHours), now).lastInsertRowid),
    get(id) {
      const r = s.get.get(id) as ShopRow | undefined;
      return r && toShop(r);
    },
    list: () => (s.list.all() as ShopRow[]).map(toShop),
    exists: (id) => s.get.get(id) !== undefined,
    addItem: (i) => Number(s.insertItem.run(i.shopId, i.name, i.priceYen, i.unit, i.photoUrl).lastInsertRowid),
    items: (shopId) => s.items.all(shopId) as CatalogueItem[],
  };
}
