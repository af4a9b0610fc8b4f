/** Terminal side of orders: answer はい / いいえ, acknowledge messages, ask for the current state. */
import type { HubContext } from '../../context';
import type { OrdersService } from './service';

export function registerOrderSockets(ctx: HubContext, orders: OrdersService): void {
  ctx.sockets.onTerminalConnection(({ socket, principal, on }) => {
    if (principal.kind !== 'terminal') return;
    const { householdId } = principal;
    on('order:respond', { access: 'terminal' }, (p) => orders.respond(householdId, p.orderId, p.accept));
    on('order:ack', { access: 'terminal' }, (p) => ({
      acknowledged: orders.ack(householdId, p.messageIds),
    }));
    on('order:list', { access: 'terminal' }, () => ({
      orders: orders.list({ householdId, excludeDrafts: true, limit: 20 }),
    }));
    // What this terminal missed while it was away.
    for (const m of orders.pendingFor(householdId)) socket.emit('order:message', m);
  });
}
