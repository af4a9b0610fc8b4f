import type { OrderStatus } from '@tsunagu/protocol';

/** Catalogue key for an order status, in the resident's words. */
export function orderStatusKey(status: OrderStatus): `orders.status.${OrderStatus}` {
  return `orders.status.${status}`;
}
