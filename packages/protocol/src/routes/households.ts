/** Routes of the REST table (api.ts): households, districts, watcher assignments and terminals (enrollment, status, profile). */
import { IdParams, OkResponse } from '../common';
import * as ex from '../examples';
import {
  AssignWatcherBody,
  CreateHouseholdBody,
  DistrictList,
  Household,
  HouseholdList,
  HouseholdListQuery,
  UpdateHouseholdBody,
  WatcherParams,
} from '../households';
import {
  EnrollBody,
  EnrollmentCodeIssued,
  EnrollResponse,
  IssueEnrollmentCodeBody,
  TerminalList,
  TerminalProfile,
} from '../terminals';
import { type RouteKey, type RouteSpec, route } from '../wire';

const id = { id: 7 };
const district = { id: 1, code: 'osawa', name: '大沢', nameEn: 'Osawa' };

export const householdsRoutes = {
  // ---- households, districts, watchers -----------------------------------------------------
  'GET /api/districts': route({
    response: { 200: DistrictList },
    examples: { response: { 200: { districts: [district] } } },
  }),
  'GET /api/households': route({
    querystring: HouseholdListQuery,
    response: { 200: HouseholdList },
    examples: { querystring: { districtId: 1 }, response: { 200: { households: [ex.household] } } },
  }),
  'GET /api/households/:id': route({
    params: IdParams,
    response: { 200: Household },
    examples: { params: id, response: { 200: ex.household } },
  }),
  'POST /api/households': route({
    body: CreateHouseholdBody,
    response: { 201: Household },
    examples: {
      body: { name: '山田', address: '大沢1-2-3', districtId: 1, residents: [{ name: '山田 太郎', birthYear: 1940 }] },
      response: { 201: { ...ex.household, watcherIds: [], terminal: null } },
    },
  }),
  'PATCH /api/households/:id': route({
    params: IdParams,
    body: UpdateHouseholdBody,
    response: { 200: Household },
    examples: { params: id, body: { needsAssistance: true }, response: { 200: ex.household } },
  }),
  'POST /api/households/:id/watchers': route({
    params: IdParams,
    body: AssignWatcherBody,
    response: { 200: OkResponse },
    examples: { params: id, body: { userId: 4, level: 1 }, response: { 200: ex.ok } },
  }),
  'DELETE /api/households/:id/watchers/:userId': route({
    params: WatcherParams,
    response: { 200: OkResponse },
    examples: { params: { id: 7, userId: 4 }, response: { 200: ex.ok } },
  }),
  // ---- terminals: enrollment, status, profile ----------------------------------------------
  'POST /api/households/:id/enrollment-codes': route({
    params: IdParams,
    body: IssueEnrollmentCodeBody,
    response: { 201: EnrollmentCodeIssued },
    examples: {
      params: id,
      body: { ttlMinutes: 60 },
      response: { 201: { code: '48213907', householdId: 7, expiresAt: ex.later } },
    },
  }),
  'POST /api/terminals/enroll': route({
    body: EnrollBody,
    response: { 200: EnrollResponse },
    examples: {
      body: { code: '48213907', deviceName: '山田さんの端末' },
      response: { 200: { terminalId: 3, householdId: 7, credential: 'tsd_9c2f6e1b0a7d4c3e8f5a6b7c8d9e0f1a' } },
    },
  }),
  'GET /api/terminals': route({
    response: { 200: TerminalList },
    examples: {
      response: { 200: { terminals: [{ id: 3, householdId: 7, online: true, lastSeenAt: ex.at, revoked: false }] } },
    },
  }),
  'POST /api/terminals/:id/revoke': route({
    params: IdParams,
    response: { 200: OkResponse },
    examples: { params: { id: 3 }, response: { 200: ex.ok } },
  }),
  'GET /api/terminal/profile': route({
    response: { 200: TerminalProfile },
    examples: { response: { 200: ex.terminalProfile } },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
