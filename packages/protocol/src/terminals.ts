import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, Language, Name, Nullable, Timestamp } from './common';
import { householdRef, listOf } from './fragments';

/** The terminal's own version, sent in the handshake: its app's, e.g. `0.1.0` (kiosk) or `0.1.0-web`. */
export const AppVersion = Type.String({ minLength: 1, maxLength: 40, pattern: '^[0-9A-Za-z.+_-]+$' });

/** Eight digits: easy on a numeric keypad, 10^8 possibilities against a rate-limited guesser. */
export const ENROLLMENT_CODE_LENGTH = 8;
export const EnrollmentCode = Type.String({ pattern: '^[0-9]{8}$' });

export const IssueEnrollmentCodeBody = Closed({
  ttlMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 60 * 24 * 14 })),
});
export const EnrollmentCodeIssued = Type.Object({ code: EnrollmentCode, householdId: Id, expiresAt: Type.String() });
export type EnrollmentCodeIssued = Static<typeof EnrollmentCodeIssued>;

export const EnrollBody = Closed({ code: EnrollmentCode, deviceName: Type.Optional(Type.String({ maxLength: 100 })) });
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

/** Whether a terminal is connected, when it was last seen, and whether its credential was revoked. */
export const terminalPresence = {
  online: Type.Boolean(),
  lastSeenAt: Nullable(Type.String()),
  revoked: Type.Boolean(),
};

export const TerminalStatus = Type.Object({ id: Id, householdId: Id, ...terminalPresence });
export type TerminalStatus = Static<typeof TerminalStatus>;
export const TerminalList = listOf('terminals', TerminalStatus);

/** The volume test: the hub asked the terminal to play a tone and ask 「聞こえましたか」. */
export const VolumeTest = Type.Object({
  id: Id,
  requestedAt: Timestamp,
  /** The resident's answer: true はい, false いいえ, null not answered (yet). */
  heard: Nullable(Type.Boolean()),
  answeredAt: Nullable(Timestamp),
});
export type VolumeTest = Static<typeof VolumeTest>;

/** One terminal as city hall's fleet view shows it. */
export const FleetTerminal = Type.Object({
  id: Id,
  ...householdRef,
  districtId: Id,
  online: Type.Boolean(),
  lastSeenAt: Nullable(Timestamp),
  revoked: Type.Boolean(),
  /** What the terminal reported when it last connected (null: not since it was enrolled). */
  appVersion: Nullable(AppVersion),
  protocolVersion: Nullable(Type.Integer()),
  /** The address it last connected from (behind a trusted proxy: the client's). */
  address: Nullable(Type.String()),
  lastCheckinAt: Nullable(Timestamp),
  volumeTest: Nullable(VolumeTest),
});
export type FleetTerminal = Static<typeof FleetTerminal>;
export const FleetList = listOf('terminals', FleetTerminal);
export type FleetList = Static<typeof FleetList>;

/** The hub asks the terminal to play its test tone and ask the resident whether they heard it. */
export const VolumeTestRequest = Type.Object({ testId: Id });
export type VolumeTestRequest = Static<typeof VolumeTestRequest>;
export const VolumeTestAnswer = Closed({ testId: Id, heard: Type.Boolean() });
export type VolumeTestAnswer = Static<typeof VolumeTestAnswer>;
/** City hall: a terminal's resident answered the volume test. */
export const VolumeTestAnswered = Type.Object({ terminalId: Id, householdId: Id, test: VolumeTest });
export type VolumeTestAnswered = Static<typeof VolumeTestAnswered>;

/** Socket.IO handshake `auth` for the /terminal namespace. */
export const TerminalHandshake = Type.Object({
  credential: Type.String({ minLength: 1, maxLength: 200 }),
  protocolVersion: Type.Integer(),
  /** Shown in city hall's fleet view (older terminals did not send it). */
  appVersion: Type.Optional(AppVersion),
});
export type TerminalHandshake = Static<typeof TerminalHandshake>;

/** A terminal came online or went offline (sent to city hall and the household's watchers). */
export const TerminalPresence = Type.Object({
  terminalId: Id,
  householdId: Id,
  online: Type.Boolean(),
  lastSeenAt: Nullable(Timestamp),
});
export type TerminalPresence = Static<typeof TerminalPresence>;
/**
 * Terminals that came online or went offline, in the order it happened (a terminal may appear more
 * than once): one message per batch of stored presence, not one per terminal — a reconnect storm of
 * ten thousand terminals is a few hundred messages to city hall, not ten thousand.
 */
export const TerminalPresenceChanges = Type.Object({
  changes: Type.Array(TerminalPresence, { minItems: 1 }),
});
export type TerminalPresenceChanges = Static<typeof TerminalPresenceChanges>;
