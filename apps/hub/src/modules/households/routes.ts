/** REST routes for districts, households, residents and watcher assignments. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { badRequest, notFound } from '../../lib/errors';
import { actorName } from '../../lib/principal';
import { route } from '../../lib/route';
import type { AccountsStore } from '../accounts/store';
import { canSeeHousehold, visibleHouseholdIds } from './access';
import type { HouseholdsStore } from './store';

const cityhall = { roles: ['cityhall'] as const };
const cityhallOrWatcher = { roles: ['cityhall', 'watcher'] as const };

export { canSeeHousehold } from './access';

export function householdsRoutes(ctx: HubContext, stores: { households: HouseholdsStore; accounts: AccountsStore }) {
  const { households } = stores;
  return async function plugin(app: FastifyInstance): Promise<void> {
    route(app, 'GET /api/districts', { config: { access: 'staff' }, tags: ['households'] }, async () => ({
      districts: households.listDistricts(),
    }));

    route(
      app,
      'GET /api/households',
      { config: { access: cityhallOrWatcher }, tags: ['households'] },
      async (request) => {
        const { districtId } = request.query;
        const visible = visibleHouseholdIds(request.principal, households);
        if (visible === null) return { households: households.list({ districtId }) };
        const mine = visible.map((id) => households.get(id)).filter((h) => h !== undefined);
        return { households: districtId ? mine.filter((h) => h.districtId === districtId) : mine };
      },
    );

    route(
      app,
      'GET /api/households/:id',
      { config: { access: cityhallOrWatcher }, tags: ['households'] },
      async (request) => {
        const { id } = request.params;
        const h = households.get(id);
        // Same answer for "not yours" and "does not exist", so watchers cannot probe ids.
        if (!h || !canSeeHousehold(request.principal, id, households)) throw notFound('household');
        return h;
      },
    );

    route(
      app,
      'POST /api/households',
      { config: { access: cityhall }, tags: ['households'] },
      async (request, reply) => {
        const body = request.body;
        if (!households.districtExists(body.districtId))
          throw badRequest('VALIDATION_FAILED', `District ${body.districtId} does not exist.`);
        const id = households.create(body, ctx.clock.now());
        ctx.audit.record({
          actor: actorName(request.principal),
          action: 'household.created',
          target: `household:${id}`,
          ip: request.ip,
        });
        return reply.status(201).send(households.get(id)!);
      },
    );

    route(app, 'PATCH /api/households/:id', { config: { access: cityhall }, tags: ['households'] }, async (request) => {
      const { id } = request.params;
      const body = request.body;
      if (!households.get(id)) throw notFound('household');
      if (body.districtId !== undefined && !households.districtExists(body.districtId)) {
        throw badRequest('VALIDATION_FAILED', `District ${body.districtId} does not exist.`);
      }
      households.update(id, body);
      ctx.audit.record({
        actor: actorName(request.principal),
        action: 'household.updated',
        target: `household:${id}`,
        ip: request.ip,
        detail: Object.keys(body).join(','),
      });
      return households.get(id);
    });

    route(
      app,
      'POST /api/households/:id/watchers',
      { config: { access: cityhall }, tags: ['households'] },
      async (request) => {
        const { id } = request.params;
        const { userId, level = 1 } = request.body;
        if (!households.get(id)) throw notFound('household');
        const user = stores.accounts.userById(userId);
        if (user?.role !== 'watcher') throw badRequest('VALIDATION_FAILED', `User ${userId} is not a watcher.`);
        households.assignWatcher(id, userId, level);
        ctx.audit.record({
          actor: actorName(request.principal),
          action: 'household.watcher_assigned',
          target: `household:${id}`,
          ip: request.ip,
          detail: { userId, level },
        });
        return { ok: true as const };
      },
    );

    route(
      app,
      'DELETE /api/households/:id/watchers/:userId',
      { config: { access: cityhall }, tags: ['households'] },
      async (request) => {
        const { id, userId } = request.params;
        if (!households.unassignWatcher(id, userId)) throw notFound('watcher assignment');
        ctx.audit.record({
          actor: actorName(request.principal),
          action: 'household.watcher_removed',
          target: `household:${id}`,
          ip: request.ip,
          detail: { userId },
        });
        return { ok: true as const };
      },
    );
  };
}
