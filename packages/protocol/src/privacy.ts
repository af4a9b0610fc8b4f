/** Personal data: who read a household's records (個人情報の閲覧記録). */
import { type Static, Type } from '@sinclair/typebox';
import { Id, literals, Timestamp } from './common';

export const DATA_READ_KINDS = ['record', 'history', 'follow_ups', 'export'] as const;
export const DataReadKind = literals(...DATA_READ_KINDS);
export type DataReadKind = Static<typeof DataReadKind>;

export const DataRead = Type.Object({
  at: Timestamp,
  /** `user:<id>:<username>` or `apikey:<id>:<name>`, as in the audit log. */
  actor: Type.String(),
  what: DataReadKind,
  ip: Type.Union([Type.String(), Type.Null()]),
});
export type DataRead = Static<typeof DataRead>;

export const DataReadList = Type.Object({ householdId: Id, reads: Type.Array(DataRead) });
export type DataReadList = Static<typeof DataReadList>;
