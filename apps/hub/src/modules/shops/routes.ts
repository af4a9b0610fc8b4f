/** Read-only shop listings for staff (management and catalogues: manage.ts). */
import type { FastifyInstance } from 'fastify';
import { route } from '../../lib/route';
import type { ShopsStore } from './store';

export function shopsRoutes(shops: ShopsStore) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    route(app, 'GET /api/shops', { config: { access: 'staff' }, tags: ['shops'] }, async () => ({
      shops: await shops.list(),
    }));
  };
}
