/** Routes of the REST table (api.ts): watcher accounts and their households, invitations. */
import {
  AcceptInvitationBody,
  CreateWatcherBody,
  InvitationAccepted,
  UpdateWatcherBody,
  Watcher,
  WatcherInvitation,
  WatcherList,
  type Watcher as WatcherType,
} from '../watchers';
import { onRecord, type RouteKey, type RouteSpec, route, sample } from '../wire';

const watcher: WatcherType = {
  id: 4,
  username: 'aoki',
  displayName: '福祉課 青木',
  watcherKind: 'welfare',
  disabled: false,
  invitationExpiresAt: null,
  households: [{ householdId: 7, householdName: '山田', districtId: 1, level: 1 }],
};
const expiresAt = '2025-04-08T09:00:00.000Z';
const invitation = { watcher: { ...watcher, invitationExpiresAt: expiresAt }, code: 'K7QM-4TXR-9HWE', expiresAt };

export const watchersRoutes = {
  'GET /api/watchers': route({ response: { 200: sample(WatcherList, { watchers: [watcher] }) } }),
  'POST /api/watchers': route({
    body: sample(CreateWatcherBody, { displayName: '福祉課 青木', username: 'aoki', watcherKind: 'welfare' }),
    description:
      'Creates a watcher account with no password anyone knows, and a one-time invitation code (7 days) with which the watcher sets their own password.',
    response: { 201: sample(WatcherInvitation, invitation) },
  }),
  'PATCH /api/watchers/:id': onRecord(4, {
    body: sample(UpdateWatcherBody, { disabled: true }),
    response: { 200: sample(Watcher, { ...watcher, disabled: true }) },
  }),
  'POST /api/watchers/:id/invitation': onRecord(4, {
    description:
      'A new invitation code (e.g. the watcher lost theirs or forgot the password); earlier codes stop working. The current password stays valid until the code is used.',
    response: { 201: sample(WatcherInvitation, invitation) },
  }),
  'POST /api/auth/invitation': route({
    body: sample(AcceptInvitationBody, { code: 'K7QM-4TXR-9HWE', password: 'a-much-longer-one' }),
    description: "A watcher sets their password with city hall's invitation code, then signs in as usual.",
    response: { 200: sample(InvitationAccepted, { username: 'aoki', displayName: '福祉課 青木' }) },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
