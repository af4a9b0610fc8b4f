/** Databases for migration tests: in memory, migrated up to a version, with the rows most tables refer to. */
import Database from 'better-sqlite3';
import { migrate } from '../db/migrate';

/** Migrated to `target` with foreign keys on, holding one district and one household (both id 1). */
export function migratedWithHousehold(target: number): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, { target });
  db.prepare("INSERT INTO districts (code, name, name_en) VALUES ('d', 'D', 'D')").run();
  db.prepare("INSERT INTO households (name, address, district_id, created_at) VALUES ('h', 'a', 1, 0)").run();
  return db;
}
