/** Routes of the REST table (api.ts): households, districts, watcher assignments and terminals (enrollment, status, profile). */
import { Binary, Closed, OkResponse } from '../common';
import * as ex from '../examples';
import { PageLimit } from '../fragments';
import { CSV_CONTENT_TYPES, HouseholdImport } from '../household-import';
import {
  AssignWatcherBody,
  CloseHouseholdBody,
  CreateHouseholdBody,
  DistrictList,
  Household,
  HouseholdList,
  HouseholdListQuery,
  UpdateHouseholdBody,
  WatcherParams,
} from '../households';
import { DataReadList, HouseholdErasure, HouseholdExport } from '../privacy';
import {
  EnrollBody,
  EnrollmentCodeIssued,
  EnrollResponse,
  FleetList,
  IssueEnrollmentCodeBody,
  TerminalProfile,
  VolumeTest,
} from '../terminals';
import { onRecord, type RouteKey, type RouteSpec, route, sample } from '../wire';

const district = { id: 1, code: 'osawa', name: '大沢', nameEn: 'Osawa' };

export const householdsRoutes = {
  // ---- households, districts, watchers -----------------------------------------------------
  'GET /api/districts': route({ response: { 200: sample(DistrictList, { districts: [district] }) } }),
  'GET /api/households': route({
    querystring: sample(HouseholdListQuery, { districtId: 1 }),
    response: { 200: sample(HouseholdList, { households: [ex.household] }) },
  }),
  'GET /api/households/:id': onRecord(7, { response: { 200: sample(Household, ex.household) } }),
  'POST /api/households': route({
    body: sample(CreateHouseholdBody, {
      name: '山田',
      address: '大沢1-2-3',
      districtId: 1,
      residents: [{ name: '山田 太郎', birthYear: 1940 }],
    }),
    response: { 201: sample(Household, { ...ex.household, watcherIds: [], terminal: null }) },
  }),
  'PATCH /api/households/:id': onRecord(7, {
    body: sample(UpdateHouseholdBody, { needsAssistance: true }),
    response: { 200: sample(Household, ex.household) },
  }),
  'POST /api/households/:id/close': onRecord(7, {
    body: sample(CloseHouseholdBody, { reason: '施設に入所' }),
    description:
      'The household is no longer served (moved away, passed away): its terminal is revoked, its unused enrollment codes stop working, it leaves the lists and the watch. Its records stay for the retention period.',
    response: {
      200: sample(Household, { ...ex.household, closedAt: ex.at, closeReason: '施設に入所', terminal: null }),
    },
  }),
  'POST /api/households/:id/reopen': onRecord(7, { response: { 200: sample(Household, ex.household) } }),
  'POST /api/households/import/preview': route({
    consumes: CSV_CONTENT_TYPES,
    description:
      'Dry run of a CSV import (Shift_JIS or UTF-8, header row first): every row with what would be done and its problems. Nothing is stored.',
    response: { 200: sample(HouseholdImport, ex.householdImport) },
  }),
  'POST /api/households/import': route({
    consumes: CSV_CONTENT_TYPES,
    description:
      'Imports the rows of a CSV file that have no problem, in one transaction; rows already registered are skipped, rows with problems are left out (the answer lists them).',
    response: {
      200: sample(HouseholdImport, {
        ...ex.householdImport,
        dryRun: false,
        rows: ex.householdImport.rows.map((r) => ({ ...r, householdId: 12 })),
      }),
    },
  }),
  'GET /api/households/:id/reads': onRecord(7, {
    querystring: sample(Closed({ limit: PageLimit(500) }), { limit: 50 }),
    response: {
      200: sample(DataReadList, {
        householdId: 7,
        reads: [{ at: ex.at, actor: 'user:3:suzuki', what: 'record', ip: '192.0.2.10' }],
      }),
    },
  }),
  'GET /api/households/:id/export': onRecord(7, {
    description:
      'Administrators: everything the hub holds about one household (本人からの開示請求), as stored: record, residents, watchers, terminals, check-ins, receipts, orders, calls, watch alerts and who read its data. Audited and recorded as a read.',
    response: {
      200: sample(HouseholdExport, {
        householdId: 7,
        exportedAt: ex.at,
        household: { id: 7, name: '山田' },
        residents: [{ id: 1, household_id: 7, name: '山田 太郎', birth_year: 1940 }],
        watchers: [],
        terminals: [],
        checkins: [],
        signsOfLife: [],
        receipts: [],
        orders: [],
        orderLines: [],
        calls: [],
        callNotes: [],
        callSchedules: [],
        watchAlerts: [],
        watchAlertEvents: [],
        dataReads: [],
      }),
    },
  }),
  'GET /api/households/:id/export.csv': onRecord(7, {
    description:
      'Administrators: the same export as one CSV (区分, 番号, 項目, 値: one line per stored field). Audited and recorded as a read.',
    produces: 'text/csv; charset=utf-8',
    response: { 200: sample(Binary, '区分,番号,項目,値\r\nhousehold,1,name,山田') },
  }),
  'POST /api/households/:id/erase': onRecord(7, {
    description:
      'Administrators: removes the personal data of a closed household (names, address, phone, notes; watcher links); rows statistics need stay, anonymised. 409 HOUSEHOLD_OPEN for a household that is still served. Audited with ids only.',
    response: {
      200: sample(HouseholdErasure, {
        householdId: 7,
        erasedAt: ex.at,
        residents: 2,
        watchersRemoved: 1,
        ordersAnonymised: 3,
        alertsAnonymised: 0,
      }),
    },
  }),
  'GET /api/households/export.csv': route({
    querystring: sample(HouseholdListQuery, { districtId: 1 }),
    produces: 'text/csv; charset=utf-8',
    response: { 200: sample(Binary, '世帯ID,氏名,ふりがな,…') },
  }),
  'POST /api/households/:id/watchers': onRecord(7, {
    body: sample(AssignWatcherBody, { userId: 4, level: 1 }),
    response: { 200: sample(OkResponse, ex.ok) },
  }),
  'DELETE /api/households/:id/watchers/:userId': route({
    params: sample(WatcherParams, { id: 7, userId: 4 }),
    response: { 200: sample(OkResponse, ex.ok) },
  }),
  // ---- terminals: enrollment, status, profile ----------------------------------------------
  'POST /api/households/:id/enrollment-codes': onRecord(7, {
    body: sample(IssueEnrollmentCodeBody, { ttlMinutes: 60 }),
    response: { 201: sample(EnrollmentCodeIssued, { code: '48213907', householdId: 7, expiresAt: ex.later }) },
  }),
  'POST /api/terminals/enroll': route({
    body: sample(EnrollBody, { code: '48213907', deviceName: '山田さんの端末' }),
    response: {
      200: sample(EnrollResponse, {
        terminalId: 3,
        householdId: 7,
        credential: 'tsd_9c2f6e1b0a7d4c3e8f5a6b7c8d9e0f1a',
      }),
    },
  }),
  'GET /api/terminals': route({
    description:
      "City hall's fleet view: every terminal with its household, presence, what it reported on connecting (app and protocol version, address), the household's last check-in and the last volume test.",
    response: { 200: sample(FleetList, { terminals: [ex.fleetTerminal] }) },
  }),
  'POST /api/terminals/:id/volume-test': onRecord(3, {
    description:
      'City hall: the terminal plays its test tone and asks the resident 「聞こえましたか」; the answer comes back as `terminal:volumeTestAnswered` and in the fleet view. 409 TERMINAL_OFFLINE. Audited.',
    response: { 202: sample(VolumeTest, { ...ex.volumeTest, heard: null, answeredAt: null }) },
  }),
  'POST /api/terminals/:id/restart': onRecord(3, {
    description:
      'City hall: the terminal restarts its app (the kiosk relaunches; a browser page reloads) and connects again. 409 TERMINAL_OFFLINE. Audited.',
    response: { 202: sample(OkResponse, ex.ok) },
  }),
  'POST /api/terminals/:id/replace': onRecord(3, {
    description:
      'City hall: revokes this terminal and issues a new enrollment code for the same household, in one step (a broken or lost terminal). 409 HOUSEHOLD_CLOSED. Audited.',
    response: { 201: sample(EnrollmentCodeIssued, { code: '48213907', householdId: 7, expiresAt: ex.later }) },
  }),
  'POST /api/terminals/:id/revoke': onRecord(3, { response: { 200: sample(OkResponse, ex.ok) } }),
  'GET /api/terminal/profile': route({ response: { 200: sample(TerminalProfile, ex.terminalProfile) } }),
} as const satisfies Record<RouteKey, RouteSpec>;
