/**
 * Forward-only numbered migrations from db/migrations/NNNN-name.sql, each applied once in a
 * transaction. The same files make the PostgreSQL schema (migrate-engines.ts, db/postgres.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { type MigrationEngine, postgresText, sqliteText } from './migrate-engines';

// Resolves to apps/hub/src/db/migrations from both src/db (tests) and dist/db (built hub).
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../src/db/migrations');

export interface Migration {
  version: number;
  name: string;
  /** The text the engine runs (migrate-engines.ts: its own blocks kept, PostgreSQL's translated). */
  sql: string;
  /**
   * The migration rebuilds a table other tables refer to (SQLite cannot drop a CHECK in place), so it
   * runs with foreign keys off — otherwise dropping the old table would cascade-delete every row that
   * refers to it — and the references are checked before it commits. Declared by the file's first
   * line `-- migrate: foreign_keys=off` (SQLite's documented 12-step table rebuild).
   */
  foreignKeysOff: boolean;
}

const FOREIGN_KEYS_OFF = /^-- migrate: foreign_keys=off\s*$/m;

export function loadMigrations(dir = MIGRATIONS_DIR, engine: MigrationEngine = 'sqlite'): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations = files.map((file) => {
    const m = /^(\d{4})-([a-z0-9-]+)\.sql$/.exec(file);
    if (!m) throw new Error(`Migration file name must look like 0001-name.sql: ${file}`);
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    const foreignKeysOff = FOREIGN_KEYS_OFF.test(source.split('\n', 1)[0] ?? '');
    const sql = engine === 'sqlite' ? sqliteText(source, file) : postgresText(source, file);
    return { version: Number(m[1]), name: m[2]!, sql, foreignKeysOff };
  });
  // Numbers are reserved per capability, so gaps are allowed; they must only increase.
  migrations.forEach((m, i) => {
    if (i > 0 && m.version <= migrations[i - 1]!.version) throw new Error(`Two migrations share number ${m.version}`);
  });
  return migrations;
}

export function currentVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Which migrations a database has had. Numbers are reserved per capability, so a migration can
 * land with a number below one a database already has (two capabilities built in parallel): the
 * applied set is recorded, not only the highest number, and any missing migration is applied.
 * A database from before this table existed had every migration up to its user_version.
 */
function appliedVersions(db: Database.Database, known: Migration[]): Set<number> {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) {
    const legacy = currentVersion(db);
    db.transaction(() => {
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT');
      const insert = db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
      for (const m of known) if (m.version <= legacy) insert.run(m.version, m.name);
    })();
  }
  const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
  return new Set(rows.map((r) => r.version));
}

/** Of `migrations`, those the database has not had yet (read only: for the readiness check). */
export function pendingMigrations(db: Database.Database, migrations: Migration[]): Migration[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return migrations.filter((m) => m.version > currentVersion(db));
  const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
  const applied = new Set(rows.map((r) => r.version));
  return migrations.filter((m) => !applied.has(m.version));
}

/** Applies pending migrations up to `target` (default: all), in number order. Returns the versions applied. */
export function migrate(db: Database.Database, options: { target?: number; dir?: string } = {}): number[] {
  const migrations = loadMigrations(options.dir);
  const latest = migrations.at(-1)?.version ?? 0;
  if (currentVersion(db) > latest) {
    throw new Error(
      `Database is at version ${currentVersion(db)} but this hub only knows ${latest}: upgrade the hub, do not downgrade.`,
    );
  }
  const done = appliedVersions(db, migrations);
  const target = options.target ?? latest;
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version) || m.version > target) continue;
    // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around it.
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as { table: string }[];
          if (broken.length > 0)
            throw new Error(
              `Migration ${m.version} left ${broken.length} broken references (first in ${broken[0]!.table})`,
            );
        }
        db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
        db.pragma(`user_version = ${Math.max(m.version, currentVersion(db))}`);
      })();
    } finally {
      if (m.foreignKeysOff) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
    applied.push(m.version);
  }
  return applied;
}
