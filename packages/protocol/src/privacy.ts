/** Personal data: who read a household's records (個人情報の閲覧記録). */
import { type Static, Type } from '@sinclair/typebox';
import { Id, literals, Nullable, Timestamp } from './common';
import { NonNegativeInt } from './fragments';

export const DATA_READ_KINDS = ['record', 'history', 'follow_ups', 'export'] as const;
export const DataReadKind = literals(...DATA_READ_KINDS);
export type DataReadKind = Static<typeof DataReadKind>;

export const DataRead = Type.Object({
  at: Timestamp,
  /** `user:<id>:<username>` or `apikey:<id>:<name>`, as in the audit log. */
  actor: Type.String(),
  what: DataReadKind,
  ip: Nullable(Type.String()),
});
export type DataRead = Static<typeof DataRead>;

export const DataReadList = Type.Object({ householdId: Id, reads: Type.Array(DataRead) });
export type DataReadList = Static<typeof DataReadList>;

/** Rows exactly as the hub stores them (times in ms since the epoch), one array per table. */
const Rows = Type.Array(Type.Record(Type.String(), Type.Unknown()));

/** Everything the hub holds about one household (本人からの開示請求). */
export const HouseholdExport = Type.Object({
  householdId: Id,
  exportedAt: Timestamp,
  household: Type.Record(Type.String(), Type.Unknown()),
  residents: Rows,
  watchers: Rows,
  terminals: Rows,
  checkins: Rows,
  signsOfLife: Rows,
  receipts: Rows,
  orders: Rows,
  orderLines: Rows,
  calls: Rows,
  /** Notes staff wrote after calls, and planned listening calls (issue 16). */
  callNotes: Rows,
  callSchedules: Rows,
  watchAlerts: Rows,
  watchAlertEvents: Rows,
  dataReads: Rows,
});
export type HouseholdExport = Static<typeof HouseholdExport>;

/** What an erasure removed (利用停止・削除請求). */
export const HouseholdErasure = Type.Object({
  householdId: Id,
  erasedAt: Timestamp,
  residents: NonNegativeInt,
  watchersRemoved: NonNegativeInt,
  ordersAnonymised: NonNegativeInt,
  alertsAnonymised: NonNegativeInt,
});
export type HouseholdErasure = Static<typeof HouseholdErasure>;
