/** Terminal side of orders: answer はい / いいえ, acknowledge messages, ask for the current state. */
import type { HubContext } from '../../context';
import { terminalOf } from '../../lib/principal';
import type { OrdersService } from './service';

export function registerOrderSockets(ctx: HubContext, orders: OrdersService): void {
  ctx.sockets.onTerminalConnection(({ socket, principal }) => {
    if (principal.kind !== 'terminal') return;
    // What this terminal missed while it was away.
    for (const m of orders.pendingFor(principal.householdId)) socket.emit('order:message', m);
  });
  const household = (p: Parameters<typeof terminalOf>[0]) => terminalOf(p).householdId;
  ctx.sockets.terminalCommand('order:respond', { access: 'terminal' }, (p, { principal }) =>
    orders.respond(household(principal), p.orderId, p.accept),
  );
  ctx.sockets.terminalCommand('order:ack', { access: 'terminal' }, (p, { principal }) => ({
    acknowledged: orders.ack(household(principal), p.messageIds),
  }));
  ctx.sockets.terminalCommand('order:list', { access: 'terminal' }, (_p, { principal }) => ({
    orders: orders.list({ householdId: household(principal), excludeDrafts: true, limit: 20 }),
  }));
}
