/** Opens the hub's SQLite database with the durability settings the hub relies on, and migrates it. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate';
import { makePrivateDir } from './permissions';

export type Db = Database.Database;

export function openDatabase(file: string, options: { migrate?: boolean } = {}): Db {
  if (file !== ':memory:') {
    makePrivateDir(path.dirname(file));
    // Created 0600 before SQLite opens it: SQLite gives the WAL and shared-memory files the
    // database file's mode.
    if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  // FULL: a write the hub has acknowledged survives power loss, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (options.migrate !== false) migrate(db);
  return db;
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'tsunagu.db');
}
