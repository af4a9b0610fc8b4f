/** Registers the orders capability (after calls, which it lets look orders up for call-backs). */
import type { HubCore } from '../../core';
import type { Calls } from '../calls/service';
import { ordersRoutes } from './routes';
import { createOrdersService, type OrdersService } from './service';
import { registerOrderSockets } from './socket';
import { createOrdersStore } from './store';

export async function registerOrders(hub: HubCore, needs: { calls: Calls }): Promise<OrdersService> {
  const households = hub.stores.households;
  const orders = createOrdersService(hub.ctx, {
    store: createOrdersStore(hub.ctx.sql),
    shops: hub.stores.shops,
    households,
  });
  needs.calls.setOrderLookup((id) => orders.lookup(id));
  registerOrderSockets(hub.ctx, orders);
  await hub.app.register(
    ordersRoutes(hub.ctx, orders, {
      shops: hub.stores.shops,
      calls: needs.calls,
      householdExists: async (id) => (await households.get(id)) !== undefined,
    }),
  );
  return orders;
}
