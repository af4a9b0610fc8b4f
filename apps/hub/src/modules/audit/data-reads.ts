/**
 * Who read a household's personal data (個人情報の閲覧記録): every read of a household's record,
 * check-in history, a follow-up list or a CSV export naming it leaves a row (who, when, which
 * household, from where). Administrators read them per household; the retention job prunes them.
 * One SQL text for both engines (db/sql.ts).
 */
import type { DataRead, DataReadKind } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';
import type { Clock } from '../../lib/clock';

export interface DataReads {
  /** One row per household (in one statement); `ip` is the request's address. */
  record(actor: string, what: DataReadKind, householdIds: readonly number[], ip: string | null): Promise<void>;
  /** Newest first. */
  list(householdId: number, limit: number): Promise<DataRead[]>;
}

interface Row {
  at: number;
  actor: string;
  what: DataReadKind;
  ip: string | null;
}

export function createDataReads(sql: Sql, clock: Clock): DataReads {
  return {
    async record(actor, what, householdIds, ip) {
      const ids = [...new Set(householdIds)];
      if (ids.length === 0) return;
      // One statement for every household (an export names thousands): all rows or none.
      const [each, param] = sql.idsOf(ids);
      await sql.run(
        `INSERT INTO data_reads (at, actor, household_id, what, ip) SELECT CAST(? AS BIGINT), ?, h.id, ?, ? FROM (${each}) AS h`,
        [clock.now(), actor, what, ip, param],
      );
    },
    list: async (householdId, limit) =>
      (
        await sql.all<Row>(
          'SELECT at, actor, what, ip FROM data_reads WHERE household_id = ? ORDER BY at DESC, id DESC LIMIT ?',
          [householdId, limit],
        )
      ).map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
  };
}
