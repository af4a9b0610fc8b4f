/** REST for check-in plans (city hall), the watcher board, alerts, the outcome log and resident history. */
import {
  AlertIdParams,
  AlertListQuery,
  CheckinPlan,
  CheckinPlanBody,
  HistoryQuery,
  HouseholdIdParams,
  ResidentHistory,
  ResolveAlertBody,
  WatchAlert,
  WatchAlertList,
  WatchBoard,
} from '@tsunagu/protocol';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { notFound } from '../../lib/errors';
import { actorName } from '../../lib/principal';
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
    const visibleAlert = (principal: Parameters<typeof canSeeHousehold>[0], id: number) => {
      const a = alerts.get(id);
      if (!a || !canSeeAlert(principal, a, households)) throw notFound('alert');
      return a;
    };

    app.get(
      '/api/watch/plans/:householdId',
      {
        config: { access: cityhallOrWatcher },
        schema: { tags, params: HouseholdIdParams, response: { 200: CheckinPlan } },
      },
      async (request) => {
        const { householdId } = request.params as HouseholdIdParams;
        visibleHousehold(request.principal, householdId);
        return planToDto(service.planFor(householdId));
      },
    );

    app.put(
      '/api/watch/plans/:householdId',
      {
        config: { access: cityhall },
        schema: { tags, params: HouseholdIdParams, body: CheckinPlanBody, response: { 200: CheckinPlan } },
      },
      async (request) => {
        const { householdId } = request.params as HouseholdIdParams;
        if (!households.get(householdId)) throw notFound('household');
        const plan = planFromBody(householdId, request.body as CheckinPlanBody, ctx.clock.now());
        const actor = actorName(request.principal);
        service.savePlan(plan, actor);
        ctx.audit.record({
          actor,
          action: 'checkin_plan.saved',
          target: `household:${householdId}`,
          ip: request.ip,
          detail: planToDto(plan),
        });
        return planToDto(service.planFor(householdId));
      },
    );

    app.delete(
      '/api/watch/plans/:householdId',
      { config: { access: cityhall }, schema: { tags, params: HouseholdIdParams, response: { 200: CheckinPlan } } },
      async (request) => {
        const { householdId } = request.params as HouseholdIdParams;
        if (!households.get(householdId)) throw notFound('household');
        if (service.resetPlan(householdId)) {
          ctx.audit.record({
            actor: actorName(request.principal),
            action: 'checkin_plan.reset',
            target: `household:${householdId}`,
            ip: request.ip,
          });
        }
        return planToDto(service.planFor(householdId));
      },
    );

    app.get(
      '/api/watch/board',
      { config: { access: cityhallOrWatcher }, schema: { tags, response: { 200: WatchBoard } } },
      async (request) => service.board(visibleHouseholdIds(request.principal, households)),
    );

    app.get(
      '/api/watch/alerts',
      {
        config: { access: cityhallOrWatcher },
        schema: { tags, querystring: AlertListQuery, response: { 200: WatchAlertList } },
      },
      async (request) => {
        const q = request.query as AlertListQuery;
        if (q.householdId !== undefined) visibleHousehold(request.principal, q.householdId);
        const visible = visibleHouseholdIds(request.principal, households);
        const state = q.state ?? 'active';
        const list = alerts.list({
          states: state === 'active' ? ['open', 'acknowledged'] : state === 'resolved' ? ['resolved'] : [],
          householdId: q.householdId,
          householdIds: visible ?? undefined,
          districtIds: visible ? visibleDistrictIds(request.principal, visible, households) : undefined,
          limit: q.limit ?? 100,
        });
        return { alerts: list.map(service.toDto) };
      },
    );

    app.get(
      '/api/watch/alerts/:id',
      { config: { access: cityhallOrWatcher }, schema: { tags, params: AlertIdParams, response: { 200: WatchAlert } } },
      async (request) => service.toDto(visibleAlert(request.principal, (request.params as { id: number }).id)),
    );

    app.post(
      '/api/watch/alerts/:id/acknowledge',
      { config: { access: cityhallOrWatcher }, schema: { tags, params: AlertIdParams, response: { 200: WatchAlert } } },
      async (request) => {
        const { id } = request.params as { id: number };
        visibleAlert(request.principal, id);
        const actor = actorName(request.principal);
        const a = service.acknowledge(id, actor);
        ctx.audit.record({ actor, action: 'watch.alert_acknowledged', target: `alert:${id}`, ip: request.ip });
        return service.toDto(a);
      },
    );

    app.post(
      '/api/watch/alerts/:id/resolve',
      {
        config: { access: cityhallOrWatcher },
        schema: { tags, params: AlertIdParams, body: ResolveAlertBody, response: { 200: WatchAlert } },
      },
      async (request) => {
        const { id } = request.params as { id: number };
        const body = request.body as ResolveAlertBody;
        visibleAlert(request.principal, id);
        const actor = actorName(request.principal);
        const a = service.resolve(id, actor, body.outcome, body.note ?? '');
        ctx.audit.record({
          actor,
          action: 'watch.alert_resolved',
          target: `alert:${id}`,
          ip: request.ip,
          detail: { outcome: body.outcome },
        });
        return service.toDto(a);
      },
    );

    app.get(
      '/api/watch/households/:householdId/history',
      {
        config: { access: cityhallOrWatcher },
        schema: { tags, params: HouseholdIdParams, querystring: HistoryQuery, response: { 200: ResidentHistory } },
      },
      async (request) => {
        const { householdId } = request.params as HouseholdIdParams;
        visibleHousehold(request.principal, householdId);
        return service.history(householdId, (request.query as { days?: number }).days ?? 30);
      },
    );
  };
}
