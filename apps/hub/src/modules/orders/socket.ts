/** Terminal side of orders: answer はい / いいえ, acknowledge messages, ask for the current state. */
import type { HubContext } from '../../context';
import { terminalOf } from '../../lib/principal';
import type { OrdersService } from './service';

export function registerOrderSockets(ctx: HubContext, orders: OrdersService): void {
  ctx.sockets.onTerminalConnection(({ socket, principal }) => {
    if (principal.kind !== 'terminal') return;
    // What this terminal missed while it was away.
    void orders
      .pendingFor(principal.householdId)
      .then((missed) => {
        for (const m of missed) socket.emit('order:message', m);
      })
      .catch((err: unknown) => ctx.log.error({ err }, 'orders: the messages on connect failed'));
  });
  const household = (p: Parameters<typeof terminalOf>[0]) => terminalOf(p).householdId;
  ctx.sockets.terminalCommand('order:respond', { access: 'terminal' }, (p, { principal }) =>
    orders.respond(household(principal), p.orderId, p.accept),
  );
  ctx.sockets.terminalCommand('order:ack', { access: 'terminal' }, async (p, { principal }) => ({
    acknowledged: await orders.ack(household(principal), p.messageIds),
  }));
  ctx.sockets.terminalCommand('order:list', { access: 'terminal' }, async (_p, { principal }) => ({
    orders: await orders.list({ householdId: household(principal), excludeDrafts: true, limit: 20 }),
  }));
}
