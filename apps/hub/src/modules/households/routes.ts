/** REST routes for districts, households, residents and watcher assignments. */

import { Type } from '@sinclair/typebox';
import {
  AssignWatcherBody,
  CreateHouseholdBody,
  DistrictList,
  Household,
  HouseholdList,
  IdParams,
  OkResponse,
  UpdateHouseholdBody,
} from '@tsunagu/protocol';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { badRequest, notFound } from '../../lib/errors';
import { actorName } from '../../lib/principal';
import type { AccountsStore } from '../accounts/store';
import { canSeeHousehold, visibleHouseholdIds } from './access';
import type { HouseholdsStore } from './store';

const cityhall = { roles: ['cityhall'] as const };
const cityhallOrWatcher = { roles: ['cityhall', 'watcher'] as const };

export { canSeeHousehold } from './access';

export function householdsRoutes(ctx: HubContext, stores: { households: HouseholdsStore; accounts: AccountsStore }) {
  const { households } = stores;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get(
      '/api/districts',
      { config: { access: 'staff' }, schema: { tags: ['households'], response: { 200: DistrictList } } },
      async () => ({
        districts: households.listDistricts(),
      }),
    );

    app.get(
      '/api/households',
      {
        config: { access: cityhallOrWatcher },
        schema: {
          tags: ['households'],
          querystring: Type.Object(
            { districtId: Type.Optional(Type.Integer({ minimum: 1 })) },
            { additionalProperties: false },
          ),
          response: { 200: HouseholdList },
        },
      },
      async (request) => {
        const { districtId } = request.query as { districtId?: number };
        const visible = visibleHouseholdIds(request.principal, households);
        if (visible === null) return { households: households.list({ districtId }) };
        const mine = visible.map((id) => households.get(id)).filter((h) => h !== undefined);
        return { households: districtId ? mine.filter((h) => h.districtId === districtId) : mine };
      },
    );

    app.get(
      '/api/households/:id',
      {
        config: { access: cityhallOrWatcher },
        schema: { tags: ['households'], params: IdParams, response: { 200: Household } },
      },
      async (request) => {
        const { id } = request.params as IdParams;
        const h = households.get(id);
        // Same answer for "not yours" and "does not exist", so watchers cannot probe ids.
        if (!h || !canSeeHousehold(request.principal, id, households)) throw notFound('household');
        return h;
      },
    );

    app.post(
      '/api/households',
      {
        config: { access: cityhall },
        schema: { tags: ['households'], body: CreateHouseholdBody, response: { 201: Household } },
      },
      async (request, reply) => {
        const body = request.body as CreateHouseholdBody;
        if (!households.districtExists(body.districtId))
          throw badRequest('VALIDATION_FAILED', `District ${body.districtId} does not exist.`);
        const id = households.create(body, ctx.clock.now());
        ctx.audit.record({
          actor: actorName(request.principal),
          action: 'household.created',
          target: `household:${id}`,
          ip: request.ip,
        });
        return reply.status(201).send(households.get(id));
      },
    );

    app.patch(
      '/api/households/:id',
      {
        config: { access: cityhall },
        schema: { tags: ['households'], params: IdParams, body: UpdateHouseholdBody, response: { 200: Household } },
      },
      async (request) => {
        const { id } = request.params as IdParams;
        const body = request.body as UpdateHouseholdBody;
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
      },
    );

    app.post(
      '/api/households/:id/watchers',
      {
        config: { access: cityhall },
        schema: { tags: ['households'], params: IdParams, body: AssignWatcherBody, response: { 200: OkResponse } },
      },
      async (request) => {
        const { id } = request.params as IdParams;
        const { userId, level = 1 } = request.body as AssignWatcherBody;
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

    app.delete(
      '/api/households/:id/watchers/:userId',
      {
        config: { access: cityhall },
        schema: {
          tags: ['households'],
          params: Type.Object(
            { id: Type.Integer({ minimum: 1 }), userId: Type.Integer({ minimum: 1 }) },
            { additionalProperties: false },
          ),
          response: { 200: OkResponse },
        },
      },
      async (request) => {
        const { id, userId } = request.params as { id: number; userId: number };
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
