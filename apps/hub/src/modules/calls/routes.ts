/** REST for the console: queues with their figures, call history, ICE servers. */
import { Type } from '@sinclair/typebox';
import { Id } from '@tsunagu/protocol';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { forbidden, notFound } from '../../lib/errors';
import { actorName, type Principal, shopStaff } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import type { ShopsStore } from '../shops/store';
import type { Calls } from './service';

/** Who answers and makes calls (with the terminals): shop operators and listening volunteers. */
export const callTakers = { roles: ['operator', 'listener'] } as const;

/** Shop staff and listeners see their own line; city hall sees every line. */
export async function visibleShopIds(p: Principal | null, shops: ShopsStore): Promise<number[]> {
  if (!p || p.kind === 'terminal') return [];
  if (p.kind === 'user') {
    if (p.user.role === 'cityhall') return (await shops.list()).map((s) => s.id);
    if ((p.user.role === 'operator' || p.user.role === 'listener') && p.user.shopId !== null) return [p.user.shopId];
    return [];
  }
  return p.role === 'cityhall' ? (await shops.list()).map((s) => s.id) : [];
}

const _HistoryQuery = Type.Object(
  {
    shopId: Type.Optional(Id),
    householdId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export function callsRoutes(ctx: HubContext, calls: Calls, shops: ShopsStore) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, ['calls']);
    add('GET /api/calls/queues', { access: shopStaff }, async (request) => ({
      queues: await Promise.all((await visibleShopIds(request.principal, shops)).map((id) => calls.queueView(id))),
    }));

    add('GET /api/calls/queues/:id', { access: shopStaff }, async (request) => {
      const { id } = request.params;
      if (!(await visibleShopIds(request.principal, shops)).includes(id)) throw notFound('queue');
      return calls.queueView(id);
    });

    add('GET /api/calls', { access: shopStaff }, async (request) => {
      const q = request.query;
      const visible = await visibleShopIds(request.principal, shops);
      if (q.shopId !== undefined && !visible.includes(q.shopId)) throw notFound('shop');
      const shopIds = q.shopId !== undefined ? [q.shopId] : visible;
      if (shopIds.length === 0) throw forbidden();
      const rows = (
        await Promise.all(
          shopIds.map((shopId) => calls.history({ shopId, householdId: q.householdId, limit: q.limit ?? 100 })),
        )
      ).flat();
      rows.sort((a, b) => b.requestedAt - a.requestedAt);
      const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
      return {
        calls: await Promise.all(
          rows.slice(0, q.limit ?? 100).map(async (c) => ({
            callId: c.id,
            shopId: c.shopId,
            householdId: c.householdId,
            householdName: (await calls.callInfo(c.id))?.householdName ?? '',
            operatorId: c.operatorId,
            direction: c.direction,
            status: c.status,
            requestedAt: new Date(c.requestedAt).toISOString(),
            answeredAt: iso(c.answeredAt),
            endedAt: iso(c.endedAt),
          })),
        ),
      };
    });

    add('GET /api/calls/ice-servers', { access: callTakers }, async (request) => {
      // TURN credentials relay traffic through the city's server: only for people who take calls.
      if (request.principal?.kind !== 'user') throw forbidden('Only staff who take calls get call servers.');
      return calls.iceServers(actorName(request.principal));
    });
    void ctx;
  };
}
