/** REST for planned listening calls: listeners plan for their line, city hall (welfare) for any. */

import type { AuditAction } from '@tsunagu/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../../context';
import { actorName } from '../../lib/principal';
import { route } from '../../lib/route';
import { audited } from '../audit/store';
import type { Plans } from './plans';

const planners = { roles: ['cityhall', 'listener'] } as const;
const tags = ['calls'];

export function scheduledCallsRoutes(ctx: HubContext, plans: Plans) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const audit = (
      request: FastifyRequest,
      action: AuditAction,
      householdId: number,
      detail: Record<string, unknown>,
    ) => audited(ctx.audit, request, action, `household:${householdId}`, detail);

    route(app, 'GET /api/calls/schedules', { config: { access: planners }, tags }, async (request) =>
      plans.list(request.principal, request.query.householdId),
    );

    route(app, 'POST /api/calls/schedules', { config: { access: planners }, tags }, async (request, reply) => {
      const s = await plans.create(request.principal, actorName(request.principal), request.body);
      await audit(request, 'call_schedule.created', s.householdId, {
        scheduleId: s.id,
        weekdays: s.weekdays,
        time: s.time,
      });
      return reply.status(201).send(s);
    });

    route(app, 'PUT /api/calls/schedules/:id', { config: { access: planners }, tags }, async (request) => {
      const s = await plans.update(request.principal, request.params.id, request.body);
      await audit(request, 'call_schedule.updated', s.householdId, {
        scheduleId: s.id,
        weekdays: s.weekdays,
        time: s.time,
      });
      return s;
    });

    route(app, 'DELETE /api/calls/schedules/:id', { config: { access: planners }, tags }, async (request) => {
      const s = await plans.remove(request.principal, request.params.id);
      await audit(request, 'call_schedule.deleted', s.householdId, { scheduleId: s.id });
      return { ok: true as const };
    });
  };
}
