/**
 * The shops in service, also kept in memory (`directory`) for the calls' synchronous paths: the live
 * calls build their views and route requests in one turn of the event loop (a shop's name, kind and
 * opening hours for every view sent), so they cannot wait on the database. A shop written through
 * `Shops` reloads this hub's copy before the write returns, and tells other hubs sharing the
 * PostgreSQL database through the change feed (`shops_changed`), which reload theirs (all of it
 * after a reconnection). Shops are few (tens), so a reload reads them all. Catalogue items are not
 * kept: their readers await the store.
 */
import type { Shop } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import type { Sql } from '../../db/sql';
import { createShopsStore, type ShopsStore } from './store';

export const SHOPS_CHANNEL = 'shops_changed';

export interface ShopDirectory {
  get(id: number): Shop | undefined;
  /** Shops in service, listening lines last (as the store lists them). */
  list(): Shop[];
}

export interface Shops extends ShopsStore {
  readonly directory: ShopDirectory;
}

export async function createShops(
  ctx: Pick<HubContext, 'changes' | 'log'>,
  sql: Sql,
  store: ShopsStore = createShopsStore(sql),
): Promise<Shops> {
  let all: Shop[] = [];
  let byId = new Map<number, Shop>();
  // One reload after another: the last one asked for is the one kept.
  let reloads: Promise<void> = Promise.resolve();
  const reload = () => {
    reloads = reloads
      .then(async () => {
        all = await store.list();
        byId = new Map(all.map((s) => [s.id, s]));
      })
      .catch((err) => ctx.log.error({ err }, 'shops not reloaded'));
    return reloads;
  };
  await reload();
  ctx.changes.subscribe(SHOPS_CHANNEL, { onChange: () => void reload(), onReset: () => void reload() });
  async function changed(id: number) {
    await reload();
    await ctx.changes
      .notify(sql, SHOPS_CHANNEL, id)
      .catch((err) => ctx.log.error({ err, shopId: id }, 'shop change not sent to other hubs'));
  }
  return {
    ...store,
    async create(s, now) {
      const id = await store.create(s, now);
      await changed(id);
      return id;
    },
    async update(id, patch) {
      await store.update(id, patch);
      await changed(id);
    },
    async archive(id) {
      await store.archive(id);
      await changed(id);
    },
    directory: { get: (id) => byId.get(id), list: () => all },
  };
}
