/** Routes of the REST table (api.ts): notes and concerns after a call, planned listening calls. */
import { HouseholdIdParams } from '../checkins';
import { OkResponse } from '../common';
import type { CallNote as CallNoteT, CallSchedule as CallScheduleT } from '../conversations';
import {
  CallNote,
  CallNoteBody,
  CallNoteList,
  CallSchedule,
  CallScheduleBody,
  CallScheduleList,
  CallScheduleQuery,
  CallScheduleUpdateBody,
} from '../conversations';
import * as ex from '../examples';
import { onRecord, type RouteKey, type RouteSpec, route, sample } from '../wire';

const note: CallNoteT = {
  id: 3,
  callId: 11,
  householdId: 7,
  householdName: '山田',
  shopId: 2,
  shopName: '話し相手',
  shopKind: 'listening',
  authorName: '佐々木',
  note: '咳が続いているそうです',
  concern: 'visit',
  callAt: ex.at,
  writtenAt: ex.later,
};
const due = ex.scheduledCall;
const schedule: CallScheduleT = {
  id: 4,
  householdId: 7,
  householdName: '山田',
  shopId: 2,
  shopName: '話し相手',
  weekdays: [2],
  time: '10:00',
  note: '',
  nextAt: ex.later,
  last: due,
  updatedAt: ex.at,
};

export const conversationsRoutes = {
  // ---- after a call: the operator's or listener's note and concern --------------------------
  'POST /api/calls/:id/note': onRecord(11, {
    body: sample(CallNoteBody, { note: '咳が続いているそうです', concern: 'visit' }),
    response: { 201: sample(CallNote, note) },
  }),
  'GET /api/watch/households/:householdId/call-notes': route({
    params: sample(HouseholdIdParams, { householdId: 7 }),
    response: { 200: sample(CallNoteList, { notes: [note] }) },
  }),
  // ---- planned listening calls ---------------------------------------------------------------
  'GET /api/calls/schedules': route({
    querystring: sample(CallScheduleQuery, { householdId: 7 }),
    response: { 200: sample(CallScheduleList, { schedules: [schedule], due: [due] }) },
  }),
  'POST /api/calls/schedules': route({
    body: sample(CallScheduleBody, { householdId: 7, weekdays: [2], time: '10:00' }),
    response: { 201: sample(CallSchedule, schedule) },
  }),
  'PUT /api/calls/schedules/:id': onRecord(4, {
    body: sample(CallScheduleUpdateBody, { weekdays: [2, 5], time: '10:30', note: '' }),
    response: { 200: sample(CallSchedule, { ...schedule, weekdays: [2, 5], time: '10:30' }) },
  }),
  'DELETE /api/calls/schedules/:id': onRecord(4, { response: { 200: sample(OkResponse, ex.ok) } }),
} as const satisfies Record<RouteKey, RouteSpec>;
