/**
 * Daily check-ins (見守り): the terminal's 元気です button, the optional mood, and each household's
 * check-in plan (deadline, days, reminders, grace period, which signs of life count).
 */
import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, literals, Nullable, Timestamp } from './common';
import { NonNegativeInt } from './fragments';

/** Kinds of activity that may count as a sign of life (a plan chooses which). */
export const ActivityKind = literals(
  'checkin',
  'call',
  'order_confirmed',
  'announcement_acknowledged',
  'delivery_well',
);
export type ActivityKind = Static<typeof ActivityKind>;
export const ACTIVITY_KINDS: readonly ActivityKind[] = [
  'checkin',
  'call',
  'order_confirmed',
  'announcement_acknowledged',
  'delivery_well',
];

export const Mood = literals('good', 'so_so', 'not_good');
export type Mood = Static<typeof Mood>;

/** Local wall-clock time of day, 24-hour "HH:MM". */
export const LocalTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
/** A local calendar date "YYYY-MM-DD" (in the hub's time zone). */
export const LocalDate = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' });
export type LocalDate = Static<typeof LocalDate>;

/** ISO 8601 instant with a zone (Z or ±hh:mm); a pattern, because socket payloads are checked without format plugins. */
export const IsoInstant = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$',
  maxLength: 40,
});

/** A client-generated UUID: the same check-in sent twice (offline queue, retry) is counted once. */
export const IdempotencyKey = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});

export const CheckinSubmit = Closed({
  idempotencyKey: IdempotencyKey,
  /** When the resident pressed the button (the terminal's clock, ISO 8601); the hub clamps it to sane bounds. */
  pressedAt: IsoInstant,
  mood: Type.Optional(Mood),
});
export type CheckinSubmit = Static<typeof CheckinSubmit>;

export const CheckinReceipt = Type.Object({
  checkinId: Id,
  /** True when this key had already been counted (a resend); nothing new was stored except a mood. */
  duplicate: Type.Boolean(),
  /** The time the hub counted, after clamping. */
  countedAt: Timestamp,
  /** The check-in day this counts for. */
  day: LocalDate,
  mood: Nullable(Mood),
});
export type CheckinReceipt = Static<typeof CheckinReceipt>;

/** What the terminal shows about today's check-in. */
export const CheckinStatus = Type.Object({
  day: LocalDate,
  /** False on a day off or when the plan is switched off. */
  scheduled: Type.Boolean(),
  deadline: Timestamp,
  checkedIn: Type.Boolean(),
  checkedInAt: Nullable(Timestamp),
});
export type CheckinStatus = Static<typeof CheckinStatus>;

export const CheckinReminder = Type.Object({
  /** `before`: a reminder ahead of the deadline; `deadline`: the deadline passed without a sign of life. */
  stage: literals('before', 'deadline'),
  day: LocalDate,
  deadline: Timestamp,
  minutesLeft: NonNegativeInt,
  /** City hall is testing the plan (shortened ladder): the terminal says it is a test. */
  test: Type.Optional(Type.Boolean()),
});
export type CheckinReminder = Static<typeof CheckinReminder>;

export const CheckinPlanFields = {
  enabled: Type.Boolean(),
  /** Start of the check-in day. A deadline at or before this time falls on the next calendar day. */
  opensAt: LocalTime,
  deadline: LocalTime,
  /** Days of the week the plan applies, 0 = Sunday … 6 = Saturday (the day the window opens). */
  days: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { minItems: 0, maxItems: 7, uniqueItems: true }),
  /** Reminders on the terminal (chime + voice), minutes before the deadline. */
  reminderMinutes: Type.Array(Type.Integer({ minimum: 1, maximum: 720 }), { maxItems: 4, uniqueItems: true }),
  /** After the deadline, how long before the household's watchers are alerted. */
  graceMinutes: Type.Integer({ minimum: 0, maximum: 720 }),
  /** How long an alert waits for a watcher's acknowledgement before the next level is alerted. */
  ackTimeoutMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  /** Which activities count as a sign of life for the day. */
  signsOfLife: Type.Array(ActivityKind, { minItems: 1, maxItems: 5, uniqueItems: true }),
  /** A terminal offline longer than this raises a "terminal offline" alert. */
  offlineAlertMinutes: Type.Integer({ minimum: 5, maximum: 10080 }),
};

export const CheckinPlan = Type.Object({
  householdId: Id,
  ...CheckinPlanFields,
  /** True when the household has no plan of its own and the city's default applies. */
  isDefault: Type.Boolean(),
  updatedAt: Nullable(Timestamp),
});
export type CheckinPlan = Static<typeof CheckinPlan>;

export const CheckinPlanBody = Closed(CheckinPlanFields);
export type CheckinPlanBody = Static<typeof CheckinPlanBody>;

export const HouseholdIdParams = Closed({ householdId: Id });
export type HouseholdIdParams = Static<typeof HouseholdIdParams>;
