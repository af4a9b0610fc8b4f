/**
 * Temporary (issue 18): synchronous reads of households and districts from the SQLite file, for the
 * modules whose code does not await yet (announcements, the calls' live
 * views). Each goes when its module awaits `HouseholdsStore` (store.ts) instead; until then those
 * modules stay on SQLite. Same SQL texts and row mapping as the store.
 */
import type { District, Household } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { DISTRICTS, HOUSEHOLD_BY_ID, type HouseholdRow, type ResidentRow, toHouseholds } from './store';

export interface HouseholdReads {
  get(id: number): Household | undefined;
  listDistricts(): District[];
  districtExists(id: number): boolean;
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
    districts: db.prepare(DISTRICTS),
    districtExists: db.prepare<[number]>('SELECT 1 FROM districts WHERE id = ?'),
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
    listDistricts: () => s.districts.all() as District[],
    districtExists: (id) => s.districtExists.get(id) !== undefined,
  };
}
