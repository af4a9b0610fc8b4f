/** Routes of the REST table (api.ts): check-in plans, the watch board, alerts and residents' history. */
import { CheckinPlan, CheckinPlanBody, HouseholdIdParams } from '../checkins';
import * as ex from '../examples';
import {
  AlertListQuery,
  HistoryQuery,
  PlanTest,
  PlanTestView,
  ResidentHistory,
  ResolveAlertBody,
  WatchAlert,
  WatchAlertList,
  WatchBoard,
} from '../watch';
import { onRecord, type RouteKey, type RouteSpec, route } from '../wire';

const household = { householdId: 7 };
const plan = { ...ex.checkinPlan, householdId: 7 };
const { householdId: _h, isDefault: _d, updatedAt: _u, ...planBody } = plan;

export const watchRoutes = {
  // ---- watch: check-in plans, board, alerts, history ---------------------------------------
  'GET /api/watch/plans/:householdId': route({
    params: HouseholdIdParams,
    response: { 200: CheckinPlan },
    examples: { params: household, response: { 200: plan } },
  }),
  'PUT /api/watch/plans/:householdId': route({
    params: HouseholdIdParams,
    body: CheckinPlanBody,
    response: { 200: CheckinPlan },
    examples: { params: household, body: planBody, response: { 200: plan } },
  }),
  'DELETE /api/watch/plans/:householdId': route({
    params: HouseholdIdParams,
    response: { 200: CheckinPlan },
    examples: { params: household, response: { 200: { ...plan, isDefault: true, updatedAt: null } } },
  }),
  'GET /api/watch/plans/:householdId/test': route({
    params: HouseholdIdParams,
    response: { 200: PlanTestView },
    examples: { params: household, response: { 200: { test: ex.planTest } } },
  }),
  'POST /api/watch/plans/:householdId/test': route({
    description:
      'City hall: runs the plan now on a shortened ladder (reminder now, deadline a minute later, then the watchers a minute apart), all marked as a test. 409 PLAN_TEST_RUNNING while one runs; 409 HOUSEHOLD_CLOSED. Audited.',
    params: HouseholdIdParams,
    response: { 201: PlanTest },
    examples: { params: household, response: { 201: ex.planTest } },
  }),
  'DELETE /api/watch/plans/:householdId/test': route({
    description:
      "City hall: ends the running test; its alert is closed and the terminal's test reminder goes away. 409 PLAN_TEST_NOT_RUNNING. Audited.",
    params: HouseholdIdParams,
    response: { 200: PlanTest },
    examples: {
      params: household,
      response: { 200: { ...ex.planTest, state: 'ended', endedAt: ex.at, endReason: 'cancelled' } },
    },
  }),
  'GET /api/watch/board': route({
    response: { 200: WatchBoard },
    examples: {
      response: {
        200: {
          day: '2025-04-01',
          generatedAt: ex.at,
          rows: [
            {
              householdId: 7,
              householdName: '山田',
              districtId: 1,
              status: 'checked_in',
              deadline: '2025-04-01T01:00:00.000Z',
              checkedInAt: ex.at,
              mood: 'good',
              signOfLife: 'checkin',
              terminalOnline: true,
              openAlertIds: [],
              possibleOutage: false,
            },
          ],
          counts: { checked_in: 1 },
        },
      },
    },
  }),
  'GET /api/watch/alerts': route({
    querystring: AlertListQuery,
    response: { 200: WatchAlertList },
    examples: { querystring: { state: 'active', limit: 100 }, response: { 200: { alerts: [ex.watchAlert] } } },
  }),
  'GET /api/watch/alerts/:id': onRecord(41, {
    response: { 200: WatchAlert },
    examples: { response: { 200: ex.watchAlert } },
  }),
  'POST /api/watch/alerts/:id/acknowledge': onRecord(41, {
    response: { 200: WatchAlert },
    examples: {
      response: {
        200: { ...ex.watchAlert, state: 'acknowledged', acknowledgedAt: ex.at, acknowledgedBy: 'user:4:kato' },
      },
    },
  }),
  'POST /api/watch/alerts/:id/resolve': onRecord(41, {
    body: ResolveAlertBody,
    response: { 200: WatchAlert },
    examples: {
      body: { outcome: 'visited_fine', note: '訪問して元気を確認' },
      response: { 200: { ...ex.watchAlert, state: 'resolved', outcome: 'visited_fine', resolvedAt: ex.at } },
    },
  }),
  'GET /api/watch/households/:householdId/history': route({
    params: HouseholdIdParams,
    querystring: HistoryQuery,
    response: { 200: ResidentHistory },
    examples: {
      params: household,
      querystring: { days: 30 },
      response: {
        200: {
          householdId: 7,
          householdName: '山田',
          days: [{ day: '2025-04-01', status: 'checked_in', checkedInAt: ex.at, mood: 'good', signs: ['checkin'] }],
        },
      },
    },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
