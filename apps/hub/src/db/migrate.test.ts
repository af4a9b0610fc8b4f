import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrated, notStrict, running } from '../testing/migrated';
import { openDatabase } from './database';
import { currentVersion, loadMigrations, migrate, pendingMigrations } from './migrate';

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );

describe('migrations', () => {
  it('are numbered in increasing order and all apply to an empty database', () => {
    const db = new Database(':memory:');
    const all = loadMigrations();
    expect(all.length).toBeGreaterThan(0);
    expect(migrate(db)).toEqual(all.map((m) => m.version));
    expect(currentVersion(db)).toBe(all.at(-1)!.version);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('make every table STRICT, on every migration', () => {
    const db = new Database(':memory:');
    migrate(db);
    const all = tables(db).filter((name) => !name.startsWith('sqlite_'));
    expect(all).toEqual(expect.arrayContaining(['announcement_settings', 'notification_deliveries']));
    expect(notStrict(db, all)).toEqual([]);
  });

  it('are idempotent: a second run applies nothing', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(migrate(db)).toEqual([]);
  });

  it('refuse a database newer than the hub', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 9999');
    expect(() => migrate(db)).toThrow(/upgrade the hub/);
  });

  it('roll back a failing migration entirely', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    fs.writeFileSync(path.join(dir, '0001-good.sql'), 'CREATE TABLE a (x INTEGER) STRICT;');
    fs.writeFileSync(
      path.join(dir, '0002-bad.sql'),
      'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);',
    );
    const db = new Database(':memory:');
    expect(() => migrate(db, { dir })).toThrow();
    expect(currentVersion(db)).toBe(1);
    expect(tables(db)).toEqual(['a', 'schema_migrations']);
  });

  it('run a foreign_keys=off migration without cascading, and refuse one that leaves broken references', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    fs.writeFileSync(
      path.join(dir, '0001-parent.sql'),
      'CREATE TABLE p (id INTEGER PRIMARY KEY) STRICT; CREATE TABLE c (p INTEGER REFERENCES p(id) ON DELETE CASCADE) STRICT;',
    );
    const rebuild = (table: string) =>
      `-- migrate: foreign_keys=off\nCREATE TABLE p2 (id INTEGER PRIMARY KEY) STRICT; INSERT INTO p2 SELECT * FROM ${table}; DROP TABLE p; ALTER TABLE p2 RENAME TO p;`;
    fs.writeFileSync(path.join(dir, '0002-rebuild.sql'), rebuild('p'));
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { dir, target: 1 });
    db.exec('INSERT INTO p VALUES (1); INSERT INTO c VALUES (1);');
    migrate(db, { dir });
    expect(db.prepare('SELECT count(*) AS n FROM c').get()).toEqual({ n: 1 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // The same rebuild that loses the parent row is rolled back.
    fs.writeFileSync(
      path.join(dir, '0003-lossy.sql'),
      '-- migrate: foreign_keys=off\nCREATE TABLE p3 (id INTEGER PRIMARY KEY) STRICT; DROP TABLE p; ALTER TABLE p3 RENAME TO p;',
    );
    expect(() => migrate(db, { dir })).toThrow(/broken references/);
    expect(currentVersion(db)).toBe(2);
    expect(db.prepare('SELECT count(*) AS n FROM p').get()).toEqual({ n: 1 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('apply a migration numbered below one the database already has (numbers are reserved per capability)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    fs.writeFileSync(path.join(dir, '0001-a.sql'), 'CREATE TABLE a (x INTEGER) STRICT;');
    fs.writeFileSync(path.join(dir, '0030-c.sql'), 'CREATE TABLE c (x INTEGER) STRICT;');
    const db = new Database(':memory:');
    expect(migrate(db, { dir })).toEqual([1, 30]);
    // A capability built in parallel lands 0005 after the database reached 0030.
    fs.writeFileSync(path.join(dir, '0005-b.sql'), 'CREATE TABLE b (x INTEGER) STRICT;');
    expect(pendingMigrations(db, loadMigrations(dir)).map((m) => m.version)).toEqual([5]);
    expect(migrate(db, { dir })).toEqual([5]);
    expect(tables(db)).toEqual(['a', 'b', 'c', 'schema_migrations']);
    expect(currentVersion(db)).toBe(30);
    expect(migrate(db, { dir })).toEqual([]);
  });

  it('take a database from before the applied-set table as having every migration up to its version', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    fs.writeFileSync(path.join(dir, '0001-a.sql'), 'CREATE TABLE a (x INTEGER) STRICT;');
    fs.writeFileSync(path.join(dir, '0002-b.sql'), 'CREATE TABLE b (x INTEGER) STRICT;');
    const db = new Database(':memory:');
    db.exec('CREATE TABLE a (x INTEGER) STRICT;');
    db.pragma('user_version = 1');
    expect(migrate(db, { dir })).toEqual([2]);
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1 },
      { version: 2 },
    ]);
  });

  it('opens a file database with WAL, foreign keys and synchronous=FULL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-'));
    const db = openDatabase(path.join(dir, 'x.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });
});

describe('0001-core', () => {
  const db = migrated(1);

  it('creates the core tables as STRICT tables', () => {
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'districts',
        'users',
        'sessions',
        'api_keys',
        'audit_log',
        'households',
        'residents',
        'household_watchers',
        'terminals',
        'enrollment_codes',
        'shops',
        'shop_items',
      ]),
    );
    const strict = db
      .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND strict = 0 AND name NOT LIKE 'sqlite_%'")
      .all();
    expect(strict).toEqual([]);
  });

  it('keeps the audit log append-only', () => {
    db.prepare("INSERT INTO audit_log (at, actor, action) VALUES (1, 'a', 'b')").run();
    expect(running(db, "UPDATE audit_log SET actor = 'x'")).toThrow(/append-only/);
    expect(running(db, 'DELETE FROM audit_log')).toThrow(/append-only/);
  });

  it('allows one active terminal per household and refuses a non-cityhall admin', () => {
    db.prepare("INSERT INTO districts (code, name, name_en) VALUES ('d', 'D', 'D')").run();
    db.prepare("INSERT INTO households (name, address, district_id, created_at) VALUES ('h', 'a', 1, 0)").run();
    db.prepare("INSERT INTO terminals (household_id, credential_hash, enrolled_at) VALUES (1, 'x', 0)").run();
    expect(
      running(db, "INSERT INTO terminals (household_id, credential_hash, enrolled_at) VALUES (1, 'y', 0)"),
    ).toThrow(/UNIQUE/);
    expect(
      running(
        db,
        "INSERT INTO users (username, display_name, password_hash, role, admin, created_at) VALUES ('w', 'w', 'h', 'watcher', 1, 0)",
      ),
    ).toThrow(/CHECK/);
  });
});
