/** REST for planned listening calls: listeners plan for their line, city hall (welfare) for any. */

import type { AuditAction } from '@tsunagu/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../../context';
import { actorName } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import type { Plans } from './plans';

const planners = { roles: ['cityhall', 'listener'] } as const;
const tags = ['calls'];

export function scheduledCallsRoutes(ctx: HubContext, plans: Plans) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    const audit = (
      request: FastifyRequest,
      action: AuditAction,
      householdId: number,
      detail: Record<string, unknown>,
    ) => audited(ctx.audit, request, action, `household:${householdId}`, detail);

    add('GET /api/calls/schedules', { access: planners }, async (request) =>
      plans.list(request.principal, request.query.householdId),
    );

    add('POST /api/calls/schedules', { access: planners }, async (request, reply) => {
      const s = await plans.create(request.principal, actorName(request.principal), request.body);
      await audit(request, 'call_schedule.created', s.householdId, {
        scheduleId: s.id,
        weekdays: s.weekdays,
        time: s.time,
      });
      return reply.status(201).send(s);
    });

    add('PUT /api/calls/schedules/:id', { access: planners }, async (request) => {
      const s = await plans.update(request.principal, request.params.id, request.body);
      await audit(request, 'call_schedule.updated', s.householdId, {
        scheduleId: s.id,
        weekdays: s.weekdays,
        time: s.time,
      });
      return s;
    });

    add('DELETE /api/calls/schedules/:id', { access: planners }, async (request) => {
      const s = await plans.remove(request.principal, request.params.id);
      await audit(request, 'call_schedule.deleted', s.householdId, { scheduleId: s.id });
      return { ok: true as const };
    });
  };
}
