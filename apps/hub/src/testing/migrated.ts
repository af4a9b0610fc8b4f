/** Databases for migration tests: in memory, migrated up to a version, with the rows most tables refer to. */
import Database from 'better-sqlite3';
import { migrate } from '../db/migrate';

/** In memory, migrated to `target` (foreign keys off unless asked, as SQLite starts). */
export function migrated(target: number, { foreignKeys = false } = {}): Database.Database {
  const db = new Database(':memory:');
  if (foreignKeys) db.pragma('foreign_keys = ON');
  migrate(db, { target });
  return db;
}

/** Migrated to `target` with foreign keys on, holding one district and one household (both id 1). */
export function migratedWithHousehold(target: number): Database.Database {
  const db = migrated(target, { foreignKeys: true });
  db.prepare("INSERT INTO districts (code, name, name_en) VALUES ('d', 'D', 'D')").run();
  db.prepare("INSERT INTO households (name, address, district_id, created_at) VALUES ('h', 'a', 1, 0)").run();
  return db;
}

/** Runs `sql` when called: `expect(running(db, sql)).toThrow(/CHECK/)`. */
export const running =
  (db: Database.Database, sql: string, ...params: unknown[]) =>
  (): Database.RunResult =>
    db.prepare(sql).run(...params);

/** Which of `tables` are not STRICT tables (or do not exist): `expect(notStrict(db, [...])).toEqual([])`. */
export const notStrict = (db: Database.Database, tables: readonly string[]): string[] =>
  tables.filter(
    (name) =>
      (
        db.prepare("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = ?").get(name) as
          | { strict: number }
          | undefined
      )?.strict !== 1,
  );

/** The `CREATE` statement of a table, as SQLite keeps it (ends in `STRICT` for a strict table). */
export const tableSql = (db: Database.Database, table: string): string =>
  (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql;

export const rowCount = (db: Database.Database, table: string): number =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

/** A watcher account named `username` (id 1 in an empty table). */
export function addWatcher(db: Database.Database, username = 'w'): void {
  db.prepare(
    "INSERT INTO users (username, display_name, password_hash, role, created_at) VALUES (?, ?, 'x', 'watcher', 0)",
  ).run(username, username.toUpperCase());
}

/** A listening shop (id 1 in an empty table). */
export function addListeningShop(db: Database.Database): void {
  db.prepare(
    "INSERT INTO shops (name, category, kind, opening_hours, created_at) VALUES ('s', 'listening', 'listening', '[]', 0)",
  ).run();
}
