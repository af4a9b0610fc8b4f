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
import { onRecord, type RouteKey, type RouteSpec, route, sample } from '../wire';

const household = { householdId: 7 };
const plan = { ...ex.checkinPlan, householdId: 7 };
const { householdId: _h, isDefault: _d, updatedAt: _u, ...planBody } = plan;

export const watchRoutes = {
  // ---- watch: check-in plans, board, alerts, history ---------------------------------------
  'GET /api/watch/plans/:householdId': route({
    params: sample(HouseholdIdParams, household),
    response: { 200: sample(CheckinPlan, plan) },
  }),
  'PUT /api/watch/plans/:householdId': route({
    params: sample(HouseholdIdParams, household),
    body: sample(CheckinPlanBody, planBody),
    response: { 200: sample(CheckinPlan, plan) },
  }),
  'DELETE /api/watch/plans/:householdId': route({
    params: sample(HouseholdIdParams, household),
    response: { 200: sample(CheckinPlan, { ...plan, isDefault: true, updatedAt: null }) },
  }),
  'GET /api/watch/plans/:householdId/test': route({
    params: sample(HouseholdIdParams, household),
    response: { 200: sample(PlanTestView, { test: ex.planTest }) },
  }),
  'POST /api/watch/plans/:householdId/test': route({
    description:
      'City hall: runs the plan now on a shortened ladder (reminder now, deadline a minute later, then the watchers a minute apart), all marked as a test. 409 PLAN_TEST_RUNNING while one runs; 409 HOUSEHOLD_CLOSED. Audited.',
    params: sample(HouseholdIdParams, household),
    response: { 201: sample(PlanTest, ex.planTest) },
  }),
  'DELETE /api/watch/plans/:householdId/test': route({
    description:
      "City hall: ends the running test; its alert is closed and the terminal's test reminder goes away. 409 PLAN_TEST_NOT_RUNNING. Audited.",
    params: sample(HouseholdIdParams, household),
    response: { 200: sample(PlanTest, { ...ex.planTest, state: 'ended', endedAt: ex.at, endReason: 'cancelled' }) },
  }),
  'GET /api/watch/board': route({
    response: {
      200: sample(WatchBoard, {
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
      }),
    },
  }),
  'GET /api/watch/alerts': route({
    querystring: sample(AlertListQuery, { state: 'active', limit: 100 }),
    response: { 200: sample(WatchAlertList, { alerts: [ex.watchAlert] }) },
  }),
  'GET /api/watch/alerts/:id': onRecord(41, { response: { 200: sample(WatchAlert, ex.watchAlert) } }),
  'POST /api/watch/alerts/:id/acknowledge': onRecord(41, {
    response: {
      200: sample(WatchAlert, {
        ...ex.watchAlert,
        state: 'acknowledged',
        acknowledgedAt: ex.at,
        acknowledgedBy: 'user:4:kato',
      }),
    },
  }),
  'POST /api/watch/alerts/:id/resolve': onRecord(41, {
    body: sample(ResolveAlertBody, { outcome: 'visited_fine', note: '訪問して元気を確認' }),
    response: {
      200: sample(WatchAlert, { ...ex.watchAlert, state: 'resolved', outcome: 'visited_fine', resolvedAt: ex.at }),
    },
  }),
  'GET /api/watch/households/:householdId/history': route({
    params: sample(HouseholdIdParams, household),
    querystring: sample(HistoryQuery, { days: 30 }),
    response: {
      200: sample(ResidentHistory, {
        householdId: 7,
        householdName: '山田',
        days: [{ day: '2025-04-01', status: 'checked_in', checkedInAt: ex.at, mood: 'good', signs: ['checkin'] }],
      }),
    },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
