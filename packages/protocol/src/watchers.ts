/**
 * Watchers as city hall manages them from the household page: who watches whom at which level, and
 * watcher accounts created without city hall ever seeing a password — the watcher sets their own
 * from a one-time invitation code.
 */
import { type Static, Type } from '@sinclair/typebox';
import { NewPassword, Username, WatcherKind } from './accounts';
import { Closed, Id, Name, Nullable, Timestamp } from './common';
import { householdRef, listOf } from './fragments';

export const WatchedHousehold = Type.Object({
  ...householdRef,
  districtId: Id,
  /** 1: alerted first; 2: next step of the ladder (e.g. a supervisor); 3: last. */
  level: Type.Integer({ minimum: 1, maximum: 3 }),
});
export type WatchedHousehold = Static<typeof WatchedHousehold>;

export const Watcher = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  watcherKind: Nullable(WatcherKind),
  disabled: Type.Boolean(),
  /** The watcher has not yet set a password with their invitation (it expires at this time). */
  invitationExpiresAt: Nullable(Timestamp),
  households: Type.Array(WatchedHousehold),
});
export type Watcher = Static<typeof Watcher>;
export const WatcherList = listOf('watchers', Watcher);
export type WatcherList = Static<typeof WatcherList>;

export const CreateWatcherBody = Closed({ displayName: Name, username: Username, watcherKind: WatcherKind });
export type CreateWatcherBody = Static<typeof CreateWatcherBody>;

export const UpdateWatcherBody = Closed(
  { displayName: Type.Optional(Name), disabled: Type.Optional(Type.Boolean()) },
  { minProperties: 1 },
);
export type UpdateWatcherBody = Static<typeof UpdateWatcherBody>;

/**
 * Twelve letters and digits people do not mix up (no 0/O, 1/I/L), shown as XXXX-XXXX-XXXX; typed in
 * either case, with or without the dashes.
 */
const CodeGroup = '[2-9A-HJKMNP-Za-hjkmnp-z]{4}';
export const InvitationCode = Type.String({ pattern: `^${CodeGroup}-?${CodeGroup}-?${CodeGroup}$` });
export const INVITATION_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export const WatcherInvitation = Type.Object({
  watcher: Watcher,
  /** Shown once: the hub keeps only its hash. */
  code: Type.String(),
  expiresAt: Timestamp,
});
export type WatcherInvitation = Static<typeof WatcherInvitation>;

export const AcceptInvitationBody = Closed({ code: InvitationCode, password: NewPassword });
export type AcceptInvitationBody = Static<typeof AcceptInvitationBody>;
export const InvitationAccepted = Type.Object({ username: Type.String(), displayName: Type.String() });
export type InvitationAccepted = Static<typeof InvitationAccepted>;
