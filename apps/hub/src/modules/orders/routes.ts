/** REST for orders: shop staff see and change only their own shop's orders; city hall sees all. */

import type { AuditAction } from '@tsunagu/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../../context';
import { forbidden, notFound } from '../../lib/errors';
import { actorName, type Principal, shopStaff } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import { visibleShopIds } from '../calls/routes';
import type { Calls } from '../calls/service';
import type { ShopsStore } from '../shops/store';
import type { OrdersService } from './service';

/**
 * May this caller take an order for this household at this shop? City hall: any household. Shop
 * staff and listeners: only a household that has called this shop's line (so an id cannot be used
 * to learn a stranger's name). A `callId` must be a call of this shop with this household. Every
 * refusal is the same 404 as for a household that does not exist.
 */
async function orderableHousehold(
  p: Principal | null,
  body: { shopId: number; householdId: number; callId?: number },
  calls: Pick<Calls, 'callInfo' | 'history'>,
  householdExists: boolean,
): Promise<boolean> {
  if (!householdExists) return false;
  if (body.callId !== undefined) {
    const call = await calls.callInfo(body.callId);
    if (!call || call.shopId !== body.shopId || call.householdId !== body.householdId) return false;
  }
  const cityHall = p?.kind === 'user' ? p.user.role === 'cityhall' : p?.kind === 'apikey' && p.role === 'cityhall';
  return cityHall || (await calls.history({ shopId: body.shopId, householdId: body.householdId, limit: 1 })).length > 0;
}

export function ordersRoutes(
  ctx: HubContext,
  orders: OrdersService,
  deps: {
    shops: ShopsStore;
    calls: Pick<Calls, 'callInfo' | 'history'>;
    householdExists(id: number): Promise<boolean>;
  },
) {
  const { shops } = deps;
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, ['orders']);
    const visibleOrder = async (request: { principal: Principal | null; params: { id: number } }) => {
      const { id } = request.params;
      const r = await orders.get(id);
      if (!r || !(await visibleShopIds(request.principal, shops)).includes(r.shopId)) throw notFound('order');
      return r;
    };
    const audit = (request: FastifyRequest, action: AuditAction, id: number, detail?: Record<string, unknown>) =>
      audited(ctx.audit, request, action, `order:${id}`, detail);

    add('GET /api/orders', { access: shopStaff }, async (request) => {
      const q = request.query;
      const visible = await visibleShopIds(request.principal, shops);
      if (q.shopId !== undefined && !visible.includes(q.shopId)) throw notFound('shop');
      return {
        orders: await orders.list({
          shopIds: q.shopId !== undefined ? [q.shopId] : visible,
          householdId: q.householdId,
          status: q.status,
          limit: q.limit ?? 100,
        }),
      };
    });

    add('GET /api/orders/:id', { access: shopStaff }, async (request) => orders.toOrder(await visibleOrder(request)));

    add('POST /api/orders', { access: shopStaff }, async (request, reply) => {
      const body = request.body;
      if (!(await visibleShopIds(request.principal, shops)).includes(body.shopId))
        throw forbidden('You can only take orders for your own shop.');
      if (
        !(await orderableHousehold(request.principal, body, deps.calls, await deps.householdExists(body.householdId)))
      )
        throw notFound('household');
      const userId = request.principal?.kind === 'user' ? request.principal.user.id : null;
      const o = await orders.create(body, userId);
      await audit(request, 'order.created', o.id, { lines: o.lines.length });
      return reply.status(201).send(o);
    });

    add('PUT /api/orders/:id/lines', { access: shopStaff }, async (request) => {
      const r = await visibleOrder(request);
      const o = await orders.updateLines(r.id, request.body);
      await audit(request, 'order.lines_updated', r.id, { lines: o.lines.length });
      return o;
    });

    add('POST /api/orders/:id/send', { access: shopStaff }, async (request) => {
      const r = await visibleOrder(request);
      const o = await orders.sendForConfirmation(r.id);
      await audit(request, 'order.sent_for_confirmation', r.id);
      return o;
    });

    add('POST /api/orders/:id/status', { access: shopStaff }, async (request) => {
      const r = await visibleOrder(request);
      const { status } = request.body;
      const o = await orders.setStatus(r.id, status);
      await audit(request, 'order.status', r.id, { status });
      return o;
    });

    add('POST /api/orders/:id/deliver', { access: shopStaff }, async (request) => {
      const r = await visibleOrder(request);
      const body = request.body;
      const o = await orders.deliver(
        r.id,
        body.wellbeing,
        body.note ?? '',
        `delivery:order:${r.id}:${actorName(request.principal)}`,
      );
      await audit(request, 'order.delivered', r.id, { wellbeing: body.wellbeing });
      return o;
    });
  };
}
