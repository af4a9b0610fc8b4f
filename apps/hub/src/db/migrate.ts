/** Forward-only numbered migrations from db/migrations/NNNN-name.sql, each applied once in a transaction. */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

// Resolves to apps/hub/src/db/migrations from both src/db (tests) and dist/db (built hub).
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../src/db/migrations');

export interface Migration {
  version: number;
  name: string;
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

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations = files.map((file) => {
    const m = /^(\d{4})-([a-z0-9-]+)\.sql$/.exec(file);
    if (!m) throw new Error(`Migration file name must look like 0001-name.sql: ${file}`);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    const foreignKeysOff = FOREIGN_KEYS_OFF.test(sql.split('\n', 1)[0] ?? '');
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

/** Applies pending migrations up to `target` (default: all). Returns the versions applied. */
export function migrate(db: Database.Database, options: { target?: number; dir?: string } = {}): number[] {
  const migrations = loadMigrations(options.dir);
  const from = currentVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new Error(
      `Database is at version ${from} but this hub only knows ${latest}: upgrade the hub, do not downgrade.`,
    );
  }
  const target = options.target ?? latest;
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= from || m.version > target) continue;
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
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (m.foreignKeysOff) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
    applied.push(m.version);
  }
  return applied;
}
