import { type Static, Type } from '@sinclair/typebox';
import { Id, Language, Name, Timestamp } from './common';

/** Eight digits: easy on a numeric keypad, 10^8 possibilities against a rate-limited guesser. */
export const ENROLLMENT_CODE_LENGTH = 8;
export const EnrollmentCode = Type.String({ pattern: '^[0-9]{8}$' });

export const IssueEnrollmentCodeBody = Type.Object(
  { ttlMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 60 * 24 * 14 })) },
  { additionalProperties: false },
);
export const EnrollmentCodeIssued = Type.Object({ code: EnrollmentCode, householdId: Id, expiresAt: Type.String() });
export type EnrollmentCodeIssued = Static<typeof EnrollmentCodeIssued>;

export const EnrollBody = Type.Object(
  { code: EnrollmentCode, deviceName: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);
export type EnrollBody = Static<typeof EnrollBody>;

/** The credential is shown once; the terminal stores it (Electron safeStorage / localStorage in a browser). */
export const EnrollResponse = Type.Object({ terminalId: Id, householdId: Id, credential: Type.String() });
export type EnrollResponse = Static<typeof EnrollResponse>;

/** What the terminal needs to draw itself: who it belongs to, its language and its buttons. */
export const TerminalProfile = Type.Object({
  terminalId: Id,
  householdId: Id,
  householdName: Name,
  language: Language,
  districtId: Id,
  shops: Type.Array(Type.Object({ id: Id, name: Type.String(), category: Type.String(), kind: Type.String() })),
});
export type TerminalProfile = Static<typeof TerminalProfile>;

export const TerminalStatus = Type.Object({
  id: Id,
  householdId: Id,
  online: Type.Boolean(),
  lastSeenAt: Type.Union([Type.String(), Type.Null()]),
  revoked: Type.Boolean(),
});
export type TerminalStatus = Static<typeof TerminalStatus>;
export const TerminalList = Type.Object({ terminals: Type.Array(TerminalStatus) });

/** Socket.IO handshake `auth` for the /terminal namespace. */
export const TerminalHandshake = Type.Object({
  credential: Type.String({ minLength: 1, maxLength: 200 }),
  protocolVersion: Type.Integer(),
});
export type TerminalHandshake = Static<typeof TerminalHandshake>;

/** A terminal came online or went offline (sent to city hall and the household's watchers). */
export const TerminalPresence = Type.Object({
  terminalId: Id,
  householdId: Id,
  online: Type.Boolean(),
  lastSeenAt: Type.Union([Timestamp, Type.Null()]),
});
export type TerminalPresence = Static<typeof TerminalPresence>;
