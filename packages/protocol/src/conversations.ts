/**
 * Every conversation counts (issue 16): the note and concern an operator or listener writes after a
 * call, and planned outgoing listening calls ("call Mrs Sato every Tuesday at 10:00").
 */
import { type Static, Type } from '@sinclair/typebox';
import { LocalTime } from './checkins';
import { Closed, Id, literals, Name, Nullable, Timestamp } from './common';
import { householdRef, listOf, shopRef } from './fragments';

/** How worried: a watcher should know (worried), go and see (visit), act now (urgent). */
export const ConcernLevel = literals('worried', 'visit', 'urgent');
export type ConcernLevel = Static<typeof ConcernLevel>;

export const CallNoteBody = Closed({
  /** How the resident seemed; required with a concern, so the watchers know what to look at. */
  note: Type.String({ maxLength: 1000 }),
  concern: Nullable(ConcernLevel),
});
export type CallNoteBody = Static<typeof CallNoteBody>;

export const CallNote = Type.Object({
  id: Id,
  callId: Id,
  ...householdRef,
  ...shopRef,
  shopKind: literals('shop', 'listening'),
  authorName: Type.String(),
  note: Type.String(),
  concern: Nullable(ConcernLevel),
  /** When the call began (the resident asked, or the terminal rang). */
  callAt: Timestamp,
  writtenAt: Timestamp,
});
export type CallNote = Static<typeof CallNote>;
export const CallNoteList = listOf('notes', CallNote);
export type CallNoteList = Static<typeof CallNoteList>;

/** 0 = Sunday … 6 = Saturday, in the city's time zone. */
export const Weekday = Type.Integer({ minimum: 0, maximum: 6 });

export const CallScheduleBody = Closed({
  householdId: Id,
  /** The listening line that calls; a listener's own line when left out. */
  shopId: Type.Optional(Id),
  weekdays: Type.Array(Weekday, { minItems: 1, maxItems: 7, uniqueItems: true }),
  time: LocalTime,
  note: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CallScheduleBody = Static<typeof CallScheduleBody>;

export const CallScheduleUpdateBody = Closed({
  weekdays: Type.Array(Weekday, { minItems: 1, maxItems: 7, uniqueItems: true }),
  time: LocalTime,
  note: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CallScheduleUpdateBody = Static<typeof CallScheduleUpdateBody>;

/**
 * One planned call: `due` (offered to the line's listeners), `ringing`, then `answered`, `declined`
 * (the resident said not now), `missed` (nobody answered: a missed sign of life) or `lapsed` (no
 * listener rang it within the hour).
 */
export const ScheduledCallState = literals('due', 'ringing', 'answered', 'declined', 'missed', 'lapsed');
export type ScheduledCallState = Static<typeof ScheduledCallState>;

export const ScheduledCall = Type.Object({
  id: Id,
  scheduleId: Id,
  ...householdRef,
  shopId: Id,
  dueAt: Timestamp,
  state: ScheduledCallState,
  callId: Nullable(Id),
  note: Type.String(),
});
export type ScheduledCall = Static<typeof ScheduledCall>;

export const CallSchedule = Type.Object({
  id: Id,
  ...householdRef,
  shopId: Id,
  shopName: Name,
  weekdays: Type.Array(Weekday),
  time: LocalTime,
  note: Type.String(),
  /** The next time the call is offered. */
  nextAt: Nullable(Timestamp),
  /** The latest planned call and how it went; null before the first. */
  last: Nullable(ScheduledCall),
  updatedAt: Timestamp,
});
export type CallSchedule = Static<typeof CallSchedule>;

export const CallScheduleList = Type.Object({
  schedules: Type.Array(CallSchedule),
  /** Planned calls waiting for a listener to ring them now. */
  due: Type.Array(ScheduledCall),
});
export type CallScheduleList = Static<typeof CallScheduleList>;
export const CallScheduleQuery = Closed({ householdId: Type.Optional(Id) });

export const ScheduledCallIdBody = Closed({ scheduledCallId: Id });
export type ScheduledCallIdBody = Static<typeof ScheduledCallIdBody>;
