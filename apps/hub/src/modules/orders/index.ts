/** Registers the orders capability (after calls, which it lets look orders up for call-backs). */
import type { HubCore } from '../../core';
import type { CallsService } from '../calls/service';
import { createSqliteHouseholdReads } from '../households/sqlite-reads';
import { ordersRoutes } from './routes';
import { createOrdersService, type OrdersService } from './service';
import { registerOrderSockets } from './socket';
import { createSqliteOrdersStore } from './store';

export async function registerOrders(hub: HubCore, needs: { calls: CallsService }): Promise<OrdersService> {
  const households = createSqliteHouseholdReads(hub.ctx.db);
  const orders = createOrdersService(hub.ctx, {
    store: createSqliteOrdersStore(hub.ctx.db),
    shops: hub.stores.shops,
    households,
  });
  needs.calls.setOrderLookup((id) => orders.lookup(id));
  registerOrderSockets(hub.ctx, orders);
  await hub.app.register(
    ordersRoutes(hub.ctx, orders, {
      shops: hub.stores.shops,
      calls: needs.calls,
      householdExists: (id) => households.get(id) !== undefined,
    }),
  );
  return orders;
}
