/** REST for check-in plans (city hall), the watcher board, alerts, the outcome log and resident history. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { notFound } from '../../lib/errors';
import { actorName, cityhall, cityhallOrWatcher } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import { planFromBody, planToDto } from '../checkins/plan';
import { canSeeHousehold } from '../households/routes';
import type { HouseholdsStore } from '../households/store';
import { canSeeAlert, visibleDistrictIds, visibleHouseholdIds } from './access';
import type { WatchService } from './service';
import type { WatchStore } from './store';

const tags = ['watch'];

export function watchRoutes(
  ctx: HubContext,
  deps: { service: WatchService; alerts: WatchStore; households: HouseholdsStore },
) {
  const { service, alerts, households } = deps;
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    const visibleHousehold = async (principal: Parameters<typeof canSeeHousehold>[0], id: number) => {
      // Same answer for "not yours" and "does not exist", so watchers cannot probe ids.
      if (!(await households.get(id)) || !(await canSeeHousehold(principal, id, households)))
        throw notFound('household');
    };
    /** City hall's routes: the household exists (404 otherwise). */
    const knownHousehold = async (id: number) => {
      if (!(await households.get(id))) throw notFound('household');
      return id;
    };
    const visibleAlert = async (principal: Parameters<typeof canSeeHousehold>[0], id: number) => {
      const a = await alerts.get(id);
      if (!a || !(await canSeeAlert(principal, a, households))) throw notFound('alert');
      return a;
    };

    add('GET /api/watch/plans/:householdId', { access: cityhallOrWatcher }, async (request) => {
      const { householdId } = request.params;
      await visibleHousehold(request.principal, householdId);
      return planToDto(await service.planFor(householdId));
    });

    add('PUT /api/watch/plans/:householdId', { access: cityhall }, async (request) => {
      const householdId = await knownHousehold(request.params.householdId);
      const plan = planFromBody(householdId, request.body, ctx.clock.now());
      const actor = actorName(request.principal);
      await service.savePlan(plan, actor);
      await audited(ctx.audit, request, 'checkin_plan.saved', `household:${householdId}`, planToDto(plan));
      return planToDto(await service.planFor(householdId));
    });

    add('DELETE /api/watch/plans/:householdId', { access: cityhall }, async (request) => {
      const householdId = await knownHousehold(request.params.householdId);
      if (await service.resetPlan(householdId)) {
        await audited(ctx.audit, request, 'checkin_plan.reset', `household:${householdId}`);
      }
      return planToDto(await service.planFor(householdId));
    });

    add('GET /api/watch/plans/:householdId/test', { access: cityhall }, async (request) => {
      const householdId = await knownHousehold(request.params.householdId);
      return { test: await service.planTest(householdId) };
    });

    add('POST /api/watch/plans/:householdId/test', { access: cityhall }, async (request, reply) => {
      const householdId = await knownHousehold(request.params.householdId);
      const actor = actorName(request.principal);
      const test = await service.startPlanTest(householdId, actor);
      await audited(ctx.audit, request, 'checkin_plan.test_started', `household:${householdId}`, {
        testId: test.id,
        stepMinutes: test.stepMinutes,
      });
      return reply.status(201).send(test);
    });

    add('DELETE /api/watch/plans/:householdId/test', { access: cityhall }, async (request) => {
      const householdId = await knownHousehold(request.params.householdId);
      const actor = actorName(request.principal);
      const test = await service.cancelPlanTest(householdId, actor);
      await audited(ctx.audit, request, 'checkin_plan.test_cancelled', `household:${householdId}`, { testId: test.id });
      return test;
    });

    add('GET /api/watch/board', { access: cityhallOrWatcher }, async (request) =>
      service.board(await visibleHouseholdIds(request.principal, households)),
    );

    add('GET /api/watch/alerts', { access: cityhallOrWatcher }, async (request) => {
      const q = request.query;
      if (q.householdId !== undefined) await visibleHousehold(request.principal, q.householdId);
      const visible = await visibleHouseholdIds(request.principal, households);
      const state = q.state ?? 'active';
      const list = await alerts.list({
        states: state === 'active' ? ['open', 'acknowledged'] : state === 'resolved' ? ['resolved'] : [],
        householdId: q.householdId,
        announcementId: q.announcementId,
        householdIds: visible ?? undefined,
        districtIds: visible ? await visibleDistrictIds(request.principal, visible, households) : undefined,
        limit: q.limit ?? 100,
      });
      return { alerts: await Promise.all(list.map(service.toDto)) };
    });

    add('GET /api/watch/alerts/:id', { access: cityhallOrWatcher }, async (request) =>
      service.toDto(await visibleAlert(request.principal, request.params.id)),
    );

    add('POST /api/watch/alerts/:id/acknowledge', { access: cityhallOrWatcher }, async (request) => {
      const { id } = request.params;
      await visibleAlert(request.principal, id);
      const actor = actorName(request.principal);
      const a = await service.acknowledge(id, actor);
      await audited(ctx.audit, request, 'watch.alert_acknowledged', `alert:${id}`);
      return service.toDto(a);
    });

    add('POST /api/watch/alerts/:id/resolve', { access: cityhallOrWatcher }, async (request) => {
      const { id } = request.params;
      const body = request.body;
      await visibleAlert(request.principal, id);
      const actor = actorName(request.principal);
      const a = await service.resolve(id, actor, body.outcome, body.note ?? '');
      await audited(ctx.audit, request, 'watch.alert_resolved', `alert:${id}`, { outcome: body.outcome });
      return service.toDto(a);
    });

    add('GET /api/watch/households/:householdId/history', { access: cityhallOrWatcher }, async (request) => {
      const { householdId } = request.params;
      await visibleHousehold(request.principal, householdId);
      const history = service.history(householdId, request.query.days ?? 30);
      await ctx.reads.record(actorName(request.principal), 'history', [householdId], request.ip);
      return history;
    });
  };
}
