/** Routes of the REST table (api.ts): notes and concerns after a call, planned listening calls. */
import { HouseholdIdParams } from '../checkins';
import { IdParams } from '../common';
import type { CallNote as CallNoteT } from '../conversations';
import { CallNote, CallNoteBody, CallNoteList } from '../conversations';
import * as ex from '../examples';
import { type RouteKey, type RouteSpec, route } from '../wire';

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
export const conversationsRoutes = {
  // ---- after a call: the operator's or listener's note and concern --------------------------
  'POST /api/calls/:id/note': route({
    params: IdParams,
    body: CallNoteBody,
    response: { 201: CallNote },
    examples: {
      params: { id: 11 },
      body: { note: '咳が続いているそうです', concern: 'visit' },
      response: { 201: note },
    },
  }),
  'GET /api/watch/households/:householdId/call-notes': route({
    params: HouseholdIdParams,
    response: { 200: CallNoteList },
    examples: { params: { householdId: 7 }, response: { 200: { notes: [note] } } },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
