/** Read-only shop listings for staff; the calls module adds management and catalogues. */
import { ShopList } from '@tsunagu/protocol';
import type { FastifyInstance } from 'fastify';
import type { ShopsStore } from './store';

export function shopsRoutes(shops: ShopsStore) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get(
      '/api/shops',
      { config: { access: 'staff' }, schema: { tags: ['shops'], response: { 200: ShopList } } },
      async () => ({
        shops: shops.list(),
      }),
    );
  };
}
