/**
 * One store suite, both engines: `describe.each(ENGINES)` with a migrated database per engine — a
 * SQLite file in a temporary directory or a fresh PostgreSQL database (testing/postgres.ts) — and
 * plain SQL for fixtures and checks (`?` placeholders on both).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Db, openDatabase } from '../db/database';
import { openPostgres, type Pg } from '../db/postgres';
import { numbered, postgresSql, type Sql, sqliteSql } from '../db/sql';
import { createTestDatabase } from './postgres';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export type EngineDb = {
  /** Rows of a query with `?` placeholders. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Another connection to the same database: it sees only what was committed. */
  otherConnection(): Promise<{ query: EngineDb['query']; close(): Promise<void> }>;
  /** A new household (in district 1), so tests sharing a database do not see each other's rows. */
  newHousehold(): Promise<number>;
  /** Closes the store's connection (a store used afterwards fails as on a lost database). */
  breakConnection(): Promise<void>;
  close(): Promise<void>;
} & ({ engine: 'sqlite'; db: Db } | { engine: 'postgres'; pg: Pg });

function sqliteQuery(db: Db): EngineDb['query'] {
  return async <R>(sql: string, params: unknown[] = []) => {
    const stmt = db.prepare(sql);
    if (stmt.reader) return stmt.all(...params) as R[];
    stmt.run(...params);
    return [];
  };
}

function pgQuery(pg: Pg): EngineDb['query'] {
  return async <R>(sql: string, params: unknown[] = []) => (await pg.query(numbered(sql), params)).rows as R[];
}

const newHousehold = (query: EngineDb['query']) => async () =>
  Number(
    (
      await query<{ id: number }>(
        "INSERT INTO households (name, address, district_id, created_at) VALUES ('h', 'a', 1, 0) RETURNING id",
      )
    )[0]!.id,
  );

/** A migrated database on `engine`, holding district 1 and household 1. */
export async function openEngine(engine: Engine): Promise<EngineDb> {
  let db: EngineDb;
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-engine-'));
    const file = path.join(dir, 'hub.db');
    const sqlite = openDatabase(file);
    const query = sqliteQuery(sqlite);
    db = {
      engine,
      db: sqlite,
      query,
      newHousehold: newHousehold(query),
      async otherConnection() {
        const other = openDatabase(file, { migrate: false });
        return { query: sqliteQuery(other), close: async () => void other.close() };
      },
      breakConnection: async () => void sqlite.close(),
      async close() {
        if (sqlite.open) sqlite.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } else {
    const t = await createTestDatabase();
    let ended = false;
    const query = pgQuery(t.pg);
    db = {
      engine,
      pg: t.pg,
      query,
      newHousehold: newHousehold(query),
      async otherConnection() {
        const other = await openPostgres(t.url, { migrate: false, max: 1 });
        return { query: pgQuery(other), close: () => other.end() };
      },
      async breakConnection() {
        ended = true;
        await t.pg.end();
      },
      async close() {
        if (ended) return;
        ended = true;
        await t.drop();
      },
    };
  }
  await db.query("INSERT INTO districts (code, name, name_en) VALUES ('d', 'D', 'D')");
  await db.newHousehold();
  return db;
}

/** The store runner (db/sql.ts) on the engine's database. */
export const engineSql = (db: EngineDb): Sql => (db.engine === 'sqlite' ? sqliteSql(db.db) : postgresSql(db.pg));

/**
 * What a statement the database refuses throws, for `rejects.toMatchObject`: not `toThrow`, since
 * better-sqlite3's errors come from another jest realm and fail `instanceof Error`.
 */
export const refused = (pattern: RegExp) => ({ message: expect.stringMatching(pattern) });
