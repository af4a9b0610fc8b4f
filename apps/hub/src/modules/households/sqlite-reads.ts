/**
 * Temporary (issue 18): a household read synchronously from the SQLite file, for the calls' live
 * views (household names, the terminal rung for a callback), which are built within one turn of the
 * event loop. It goes when they use a cache kept fresh through ctx.changes (as the shops' directory)
 * or await `HouseholdsStore` (store.ts). Same SQL text and row mapping as the store.
 */
import type { Household } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { HOUSEHOLD_BY_ID, type HouseholdRow, type ResidentRow, toHouseholds } from './store';

export interface HouseholdReads {
  get(id: number): Household | undefined;
}

export function createSqliteHouseholdReads(db: Db): HouseholdReads {
  const s = {
    get: db.prepare<[number]>(HOUSEHOLD_BY_ID),
    residents: db.prepare<[number]>(
      'SELECT id, household_id, name, birth_year FROM residents WHERE household_id = ? ORDER BY id',
    ),
    watchers: db.prepare<[number]>(
      'SELECT household_id, user_id FROM household_watchers WHERE household_id = ? ORDER BY level, user_id',
    ),
  };
  return {
    get(id) {
      const row = s.get.get(id) as HouseholdRow | undefined;
      if (!row) return undefined;
      return toHouseholds(
        [row],
        s.residents.all(id) as ResidentRow[],
        s.watchers.all(id) as { household_id: number; user_id: number }[],
      )[0];
    },
  };
}
