/** The shops (and the listening line) as part of the core: listings, management and catalogues. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { shopsManagementRoutes } from './manage';
import { shopsRoutes } from './routes';
import type { ShopsStore } from './store';

export async function registerShops(app: FastifyInstance, ctx: HubContext, shops: ShopsStore): Promise<void> {
  await app.register(shopsRoutes(shops));
  await app.register(shopsManagementRoutes(ctx, shops));
}
