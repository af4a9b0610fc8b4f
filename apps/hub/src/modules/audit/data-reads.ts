/**
 * Who read a household's personal data (個人情報の閲覧記録): every read of a household's record,
 * check-in history, a follow-up list or a CSV export naming it leaves a row (who, when, which
 * household, from where). Administrators read them per household; the retention job prunes them.
 */
import type { DataRead, DataReadKind } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import type { Clock } from '../../lib/clock';
import { currentAddress } from '../../lib/request-context';

export interface DataReads {
  /** One row per household (in one transaction); the address is the current request's. */
  record(actor: string, what: DataReadKind, householdIds: readonly number[]): void;
  /** Newest first. */
  list(householdId: number, limit: number): DataRead[];
}

interface Row {
  at: number;
  actor: string;
  what: DataReadKind;
  ip: string | null;
}

export function createDataReads(db: Db, clock: Clock): DataReads {
  const insert = db.prepare('INSERT INTO data_reads (at, actor, household_id, what, ip) VALUES (?, ?, ?, ?, ?)');
  const list = db.prepare(
    'SELECT at, actor, what, ip FROM data_reads WHERE household_id = ? ORDER BY at DESC, id DESC LIMIT ?',
  );
  const insertAll = db.transaction((actor: string, what: DataReadKind, ids: readonly number[]) => {
    const at = clock.now();
    const ip = currentAddress();
    for (const id of new Set(ids)) insert.run(at, actor, id, what, ip);
  });
  return {
    record(actor, what, householdIds) {
      if (householdIds.length > 0) insertAll(actor, what, householdIds);
    },
    list: (householdId, limit) =>
      (list.all(householdId, limit) as Row[]).map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
  };
}
