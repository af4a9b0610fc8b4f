/** REST for check-in plans (city hall), the watcher board, alerts, the outcome log and resident history. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { notFound } from '../../lib/errors';
import { actorName } from '../../lib/principal';
import { route } from '../../lib/route';
import { audited } from '../audit/store';
import { planFromBody, planToDto } from '../checkins/plan';
import { canSeeHousehold } from '../households/routes';
import type { HouseholdsStore } from '../households/store';
import { canSeeAlert, visibleDistrictIds, visibleHouseholdIds } from './access';
import type { WatchService } from './service';
import type { WatchStore } from './store';

const cityhall = { roles: ['cityhall'] as const };
const cityhallOrWatcher = { roles: ['cityhall', 'watcher'] as const };
const tags = ['watch'];

export function watchRoutes(
  ctx: HubContext,
  deps: { service: WatchService; alerts: WatchStore; households: HouseholdsStore },
) {
  const { service, alerts, households } = deps;
  return async function plugin(app: FastifyInstance): Promise<void> {
    const visibleHousehold = (principal: Parameters<typeof canSeeHousehold>[0], id: number) => {
      // Same answer for "not yours" and "does not exist", so watchers cannot probe ids.
      if (!households.get(id) || !canSeeHousehold(principal, id, households)) throw notFound('household');
    };
    const visibleAlert = async (principal: Parameters<typeof canSeeHousehold>[0], id: number) => {
      const a = await alerts.get(id);
      if (!a || !canSeeAlert(principal, a, households)) throw notFound('alert');
      return a;
    };

    route(
      app,
      'GET /api/watch/plans/:householdId',
      { config: { access: cityhallOrWatcher }, tags },
      async (request) => {
        const { householdId } = request.params;
        visibleHousehold(request.principal, householdId);
        return planToDto(await service.planFor(householdId));
      },
    );

    route(app, 'PUT /api/watch/plans/:householdId', { config: { access: cityhall }, tags }, async (request) => {
      const { householdId } = request.params;
      if (!households.get(householdId)) throw notFound('household');
      const plan = planFromBody(householdId, request.body, ctx.clock.now());
      const actor = actorName(request.principal);
      await service.savePlan(plan, actor);
      await audited(ctx.audit, request, 'checkin_plan.saved', `household:${householdId}`, planToDto(plan));
      return planToDto(await service.planFor(householdId));
    });

    route(app, 'DELETE /api/watch/plans/:householdId', { config: { access: cityhall }, tags }, async (request) => {
      const { householdId } = request.params;
      if (!households.get(householdId)) throw notFound('household');
      if (await service.resetPlan(householdId)) {
        await audited(ctx.audit, request, 'checkin_plan.reset', `household:${householdId}`);
      }
      return planToDto(await service.planFor(householdId));
    });

    route(app, 'GET /api/watch/plans/:householdId/test', { config: { access: cityhall }, tags }, async (request) => {
      const { householdId } = request.params;
      if (!households.get(householdId)) throw notFound('household');
      return { test: await service.planTest(householdId) };
    });

    route(
      app,
      'POST /api/watch/plans/:householdId/test',
      { config: { access: cityhall }, tags },
      async (request, reply) => {
        const { householdId } = request.params;
        if (!households.get(householdId)) throw notFound('household');
        const actor = actorName(request.principal);
        const test = await service.startPlanTest(householdId, actor);
        await audited(ctx.audit, request, 'checkin_plan.test_started', `household:${householdId}`, {
          testId: test.id,
          stepMinutes: test.stepMinutes,
        });
        return reply.status(201).send(test);
      },
    );

    route(app, 'DELETE /api/watch/plans/:householdId/test', { config: { access: cityhall }, tags }, async (request) => {
      const { householdId } = request.params;
      if (!households.get(householdId)) throw notFound('household');
      const actor = actorName(request.principal);
      const test = await service.cancelPlanTest(householdId, actor);
      await audited(ctx.audit, request, 'checkin_plan.test_cancelled', `household:${householdId}`, { testId: test.id });
      return test;
    });

    route(app, 'GET /api/watch/board', { config: { access: cityhallOrWatcher }, tags }, async (request) =>
      service.board(visibleHouseholdIds(request.principal, households)),
    );

    route(app, 'GET /api/watch/alerts', { config: { access: cityhallOrWatcher }, tags }, async (request) => {
      const q = request.query;
      if (q.householdId !== undefined) visibleHousehold(request.principal, q.householdId);
      const visible = visibleHouseholdIds(request.principal, households);
      const state = q.state ?? 'active';
      const list = await alerts.list({
        states: state === 'active' ? ['open', 'acknowledged'] : state === 'resolved' ? ['resolved'] : [],
        householdId: q.householdId,
        announcementId: q.announcementId,
        householdIds: visible ?? undefined,
        districtIds: visible ? visibleDistrictIds(request.principal, visible, households) : undefined,
        limit: q.limit ?? 100,
      });
      return { alerts: await Promise.all(list.map(service.toDto)) };
    });

    route(app, 'GET /api/watch/alerts/:id', { config: { access: cityhallOrWatcher }, tags }, async (request) =>
      service.toDto(await visibleAlert(request.principal, request.params.id)),
    );

    route(
      app,
      'POST /api/watch/alerts/:id/acknowledge',
      { config: { access: cityhallOrWatcher }, tags },
      async (request) => {
        const { id } = request.params;
        await visibleAlert(request.principal, id);
        const actor = actorName(request.principal);
        const a = await service.acknowledge(id, actor);
        await audited(ctx.audit, request, 'watch.alert_acknowledged', `alert:${id}`);
        return service.toDto(a);
      },
    );

    route(
      app,
      'POST /api/watch/alerts/:id/resolve',
      { config: { access: cityhallOrWatcher }, tags },
      async (request) => {
        const { id } = request.params;
        const body = request.body;
        await visibleAlert(request.principal, id);
        const actor = actorName(request.principal);
        const a = await service.resolve(id, actor, body.outcome, body.note ?? '');
        await audited(ctx.audit, request, 'watch.alert_resolved', `alert:${id}`, { outcome: body.outcome });
        return service.toDto(a);
      },
    );

    route(
      app,
      'GET /api/watch/households/:householdId/history',
      { config: { access: cityhallOrWatcher }, tags },
      async (request) => {
        const { householdId } = request.params;
        visibleHousehold(request.principal, householdId);
        const history = service.history(householdId, request.query.days ?? 30);
        await ctx.reads.record(actorName(request.principal), 'history', [householdId]);
        return history;
      },
    );
  };
}
