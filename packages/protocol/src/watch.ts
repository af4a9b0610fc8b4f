/**
 * The watcher side of 見守り: alerts with their escalation ladder, today's board, a resident's
 * history and the outcome log. Watchers see only their households; city hall sees all.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ActivityKind, LocalDate, Mood } from './checkins';
import { Closed, Id, literals, Nullable, Timestamp } from './common';
import { householdRef, listOf, PageLimit } from './fragments';
import { NotificationDelivery } from './notifications';

export const AlertKind = Type.Union([
  Type.Literal('missed_checkin'),
  Type.Literal('terminal_offline'),
  Type.Literal('district_outage'),
  Type.Literal('concern'),
  /** The resident asked for help: the terminal's 助けて button, or 助けが必要です in a safety check. */
  Type.Literal('help_request'),
  /** A safety check the household had not answered within the configured time. */
  Type.Literal('safety_unanswered'),
  /** A planned listening call the resident did not answer: a missed sign of life. */
  Type.Literal('missed_call'),
]);
export type AlertKind = Static<typeof AlertKind>;

export const AlertState = literals('open', 'acknowledged', 'resolved');
export type AlertState = Static<typeof AlertState>;

/** What a watcher found. `all_clear` and `back_online` are recorded by the hub itself. */
export const WatcherOutcome = literals('phoned_fine', 'visited_fine', 'needs_help', 'hospital', 'other');
export type WatcherOutcome = Static<typeof WatcherOutcome>;
export const AlertOutcome = Type.Union([WatcherOutcome, Type.Literal('all_clear'), Type.Literal('back_online')]);
export type AlertOutcome = Static<typeof AlertOutcome>;

export const AlertEventType = Type.Union([
  Type.Literal('opened'),
  Type.Literal('terminal_reminded'),
  Type.Literal('escalated'),
  Type.Literal('acknowledged'),
  Type.Literal('resolved'),
  Type.Literal('all_clear'),
  Type.Literal('marked_possible_outage'),
  Type.Literal('missed_again'),
  Type.Literal('recovered'),
  /** The resident asked for help again while the request was open. */
  Type.Literal('asked_again'),
  /** City hall ended a plan test before anyone resolved its alert. */
  Type.Literal('test_ended'),
]);
export type AlertEventType = Static<typeof AlertEventType>;

export const AlertEvent = Type.Object({
  id: Id,
  at: Timestamp,
  type: AlertEventType,
  /** Who did it: `system`, or `user:<id>:<username>`. */
  actor: Type.String(),
  /** The display name of the person who did it (null for the hub itself), for the console to show. */
  actorName: Nullable(Type.String()),
  level: Nullable(Type.Integer()),
  detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
});
export type AlertEvent = Static<typeof AlertEvent>;

export const WatchAlert = Type.Object({
  id: Id,
  kind: AlertKind,
  householdId: Nullable(Id),
  householdName: Nullable(Type.String()),
  districtId: Id,
  /** The check-in day (missed check-ins) or null. */
  day: Nullable(LocalDate),
  state: AlertState,
  /** 0: only the resident has been reminded; 1: household watchers; 2: next level (supervisor). */
  level: Type.Integer({ minimum: 0, maximum: 3 }),
  openedAt: Timestamp,
  nextEscalationAt: Nullable(Timestamp),
  acknowledgedAt: Nullable(Timestamp),
  acknowledgedBy: Nullable(Type.String()),
  /** The display name behind `acknowledgedBy`, for the console to show. */
  acknowledgedByName: Nullable(Type.String()),
  resolvedAt: Nullable(Timestamp),
  resolvedBy: Nullable(Type.String()),
  resolvedByName: Nullable(Type.String()),
  outcome: Nullable(AlertOutcome),
  note: Type.String(),
  /** A missed check-in in a district with an open outage alert: maybe the terminal had no power. */
  possibleOutage: Type.Boolean(),
  /** The safety check this alert came from (help requests and unanswered safety checks). */
  announcementId: Nullable(Id),
  /** Raised by city hall's "test this plan now" (a shortened ladder): not a real missed check-in. */
  test: Type.Boolean(),
  events: Type.Array(AlertEvent),
  /** Every notification sent about it outside the console (e-mail, Web Push…), with its outcome. */
  deliveries: Type.Array(NotificationDelivery),
});
export type WatchAlert = Static<typeof WatchAlert>;
export const WatchAlertList = listOf('alerts', WatchAlert);
export type WatchAlertList = Static<typeof WatchAlertList>;

export const AlertListQuery = Closed({
  state: Type.Optional(literals('active', 'resolved', 'all')),
  householdId: Type.Optional(Id),
  /** Alerts raised by one safety check (its help requests and unanswered households). */
  announcementId: Type.Optional(Id),
  limit: PageLimit(500),
});
export type AlertListQuery = Static<typeof AlertListQuery>;

export const ResolveAlertBody = Closed({
  outcome: WatcherOutcome,
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type ResolveAlertBody = Static<typeof ResolveAlertBody>;

export const BoardStatus = literals(
  'checked_in',
  'late',
  'waiting',
  'missed',
  'escalated',
  'terminal_offline',
  'day_off',
  'no_terminal',
);
export type BoardStatus = Static<typeof BoardStatus>;

export const BoardRow = Type.Object({
  ...householdRef,
  districtId: Id,
  status: BoardStatus,
  deadline: Nullable(Timestamp),
  checkedInAt: Nullable(Timestamp),
  mood: Nullable(Mood),
  /** Which sign of life counted (the first one of the day). */
  signOfLife: Nullable(ActivityKind),
  terminalOnline: Type.Boolean(),
  openAlertIds: Type.Array(Id),
  possibleOutage: Type.Boolean(),
});
export type BoardRow = Static<typeof BoardRow>;

export const WatchBoard = Type.Object({
  day: LocalDate,
  generatedAt: Timestamp,
  rows: Type.Array(BoardRow),
  counts: Type.Record(Type.String(), Type.Integer()),
});
export type WatchBoard = Static<typeof WatchBoard>;

export const HistoryDay = Type.Object({
  day: LocalDate,
  status: literals('checked_in', 'late', 'missed', 'day_off', 'today', 'not_watched'),
  checkedInAt: Nullable(Timestamp),
  mood: Nullable(Mood),
  signs: Type.Array(ActivityKind),
});
export type HistoryDay = Static<typeof HistoryDay>;
export const ResidentHistory = Type.Object({
  ...householdRef,
  days: Type.Array(HistoryDay),
});
export type ResidentHistory = Static<typeof ResidentHistory>;
export const HistoryQuery = Closed({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) });

export const AlertIdPayload = Closed({ alertId: Id });
export type AlertIdPayload = Static<typeof AlertIdPayload>;
export const ResolveAlertPayload = Closed({
  alertId: Id,
  outcome: WatcherOutcome,
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type ResolveAlertPayload = Static<typeof ResolveAlertPayload>;
/** Households whose row on the board changed, in one turn of the hub (a watcher hears only theirs). */
export const BoardChanged = Type.Object({ householdIds: Type.Array(Id) });

/** The resident's own request for help, as the terminal shows and says it. */
export const HelpStatus = Type.Object({
  alertId: Id,
  state: AlertState,
  requestedAt: Timestamp,
  /** The first person who saw it (acknowledged), by the name residents know them by; null until then. */
  seenBy: Nullable(Type.String()),
  seenAt: Nullable(Timestamp),
});
export type HelpStatus = Static<typeof HelpStatus>;

/**
 * "Test this plan now": city hall runs a shortened ladder on one household so a clerk can watch it
 * work — a reminder on the terminal now, the deadline a step later, then the household's watchers
 * level by level, one step apart. Everything it raises is marked as a test.
 */
export const PlanTestEndReason = literals('cancelled', 'checked_in', 'resolved');
export type PlanTestEndReason = Static<typeof PlanTestEndReason>;
export const PlanTest = Type.Object({
  id: Id,
  householdId: Id,
  startedAt: Timestamp,
  /** Who started it (display name). */
  startedBy: Type.String(),
  /** Minutes between the steps of the shortened ladder. */
  stepMinutes: Type.Integer({ minimum: 1, maximum: 10 }),
  deadline: Timestamp,
  /** When the level-1 and level-2 watchers are told unless someone acknowledges first. */
  firstLevelAt: Timestamp,
  secondLevelAt: Timestamp,
  /** The test's alert, once the deadline passed without a sign of life. */
  alertId: Nullable(Id),
  state: literals('running', 'ended'),
  endedAt: Nullable(Timestamp),
  endReason: Nullable(PlanTestEndReason),
});
export type PlanTest = Static<typeof PlanTest>;
/** The household's running test, or the last one (null: never tested). */
export const PlanTestView = Type.Object({ test: Nullable(PlanTest) });
export type PlanTestView = Static<typeof PlanTestView>;
export const PlanTestEnded = Type.Object({ testId: Id });
export type PlanTestEnded = Static<typeof PlanTestEnded>;
