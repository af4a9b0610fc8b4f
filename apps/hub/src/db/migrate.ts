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
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations = files.map((file) => {
    const m = /^(\d{4})-([a-z0-9-]+)\.sql$/.exec(file);
    if (!m) throw new Error(`Migration file name must look like 0001-name.sql: ${file}`);
    return { version: Number(m[1]), name: m[2]!, sql: fs.readFileSync(path.join(dir, file), 'utf8') };
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
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
