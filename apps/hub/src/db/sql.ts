/**
 * One SQL text for both engines: a store written over `Sql` (with `?` placeholders) runs on SQLite
 * and on PostgreSQL, so the two engines share the row mapping and every statement that reads the
 * same; where the dialects differ a store asks `sql.engine` (or `sql.anyOf`) for its fragment.
 * On SQLite each call does its work synchronously before returning (an already settled promise):
 * the SQLite path behaves as the synchronous store did.
 */
import type { Statement } from 'better-sqlite3';
import { postgresFailure } from '../lib/storage-errors';
import type { Db } from './database';
import { inTransaction, type Pg, type PgClient } from './postgres';

export interface Sql {
  readonly engine: 'sqlite' | 'postgres';
  all<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  get<R>(text: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /** `column` is one of `values`: the fragment and its one parameter. */
  anyOf(column: string, values: readonly (string | number)[]): [string, unknown];
  /** A subquery of one column `id`, a row per integer of `ids` (`INSERT … SELECT` many rows in one statement). */
  idsOf(ids: readonly number[]): [string, unknown];
  /**
   * A unit of work: `work` runs in one transaction on one connection, handed the runner of that
   * transaction (stores built on it read and write inside it); committed if it resolves, rolled
   * back if it rejects. Nested through the runner it was given: a savepoint. On SQLite, units of
   * work run one at a time, and `work` must await only stores on SQLite (settled at once): nothing
   * but its own continuations runs while its transaction is open.
   * `{ flush: false }`: its commit does not wait for the disk (presence and the like, which the hub
   * corrects on its own): never half applied, but a power cut may lose it. SQLite commits it with
   * synchronous=NORMAL (WAL), PostgreSQL with synchronous_commit off. Ignored when nested.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface TransactionOptions {
  flush?: boolean;
}

/** `?` placeholders as PostgreSQL's `$1, $2 …` (no store puts a `?` inside a string literal). */
export const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

const sqliteRunners = new WeakMap<Db, Sql>();

/** The runner of a SQLite connection: one per connection, so its units of work queue in one line. */
export function sqliteSql(db: Db): Sql {
  let sql = sqliteRunners.get(db);
  if (!sql) {
    sql = createSqliteSql(db);
    sqliteRunners.set(db, sql);
  }
  return sql;
}

function createSqliteSql(db: Db): Sql {
  const statements = new Map<string, Statement<unknown[]>>();
  const prepare = (text: string) => {
    let s = statements.get(text);
    if (!s) {
      s = db.prepare<unknown[]>(text);
      statements.set(text, s);
    }
    return s;
  };
  let queue: Promise<unknown> = Promise.resolve();
  let savepoints = 0;
  const runner = (nested: boolean): Sql => ({
    engine: 'sqlite',
    all: async <R>(text: string, params: readonly unknown[] = []) => prepare(text).all(...params) as R[],
    get: async <R>(text: string, params: readonly unknown[] = []) => prepare(text).get(...params) as R | undefined,
    run: async (text, params = []) => prepare(text).run(...params).changes,
    anyOf: (column, values) => [`${column} IN (SELECT value FROM json_each(?))`, JSON.stringify(values)],
    idsOf: (ids) => ['SELECT value AS id FROM json_each(?)', JSON.stringify(ids)],
    async transaction(work, options) {
      if (nested) {
        const name = `work_${++savepoints}`;
        db.exec(`SAVEPOINT ${name}`);
        try {
          const out = await work(runner(true));
          db.exec(`RELEASE ${name}`);
          return out;
        } catch (error) {
          db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
          throw error;
        }
      }
      const turn = queue.then(async () => {
        // SQLite refuses to change the setting inside a transaction: around it, in the queue's turn.
        const previous = options?.flush === false ? Number(db.pragma('synchronous', { simple: true })) : null;
        if (previous !== null) db.pragma('synchronous = NORMAL');
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await work(runner(true));
          db.exec('COMMIT');
          return out;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        } finally {
          if (previous !== null) db.pragma(`synchronous = ${previous}`);
        }
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
  });
  return runner(false);
}

type Queryable = Pick<Pg | PgClient, 'query'>;

/** A lost server is told apart from other failures (lib/storage-errors.ts): retry later, not a bug. */
const rethrown = (err: unknown): never => {
  throw postgresFailure(err);
};

function postgresRunner(q: Queryable, transaction: Sql['transaction']): Sql {
  const query = (text: string, params: readonly unknown[]) =>
    q.query(numbered(text), params as unknown[]).catch(rethrown);
  const rows = async <R>(text: string, params: readonly unknown[] = []) => (await query(text, params)).rows as R[];
  return {
    engine: 'postgres',
    all: rows,
    get: async (text, params) => (await rows<never>(text, params))[0],
    run: async (text, params = []) => (await query(text, params)).rowCount ?? 0,
    anyOf: (column, values) => [`${column} = ANY(?)`, values],
    idsOf: (ids) => ['SELECT unnest(?::bigint[]) AS id', ids],
    transaction,
  };
}

function clientSql(client: PgClient): Sql {
  let savepoints = 0;
  const self: Sql = postgresRunner(client, async (work) => {
    const name = `work_${++savepoints}`;
    await client.query(`SAVEPOINT ${name}`);
    try {
      const out = await work(self);
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (error) {
      await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  });
  return self;
}

export function postgresSql(pg: Pg): Sql {
  return postgresRunner(pg, (work, options) =>
    inTransaction(pg, async (client) => {
      if (options?.flush === false) await client.query('SET LOCAL synchronous_commit = off');
      return work(clientSql(client));
    }).catch(rethrown),
  );
}

/**
 * The conditions of a filtered query, joined with AND: `add(condition, ...values)` always,
 * `equals(column, value)` only when the value is given (`add(...sql.anyOf(column, list))` for a
 * list). `where` is `WHERE …` ('' when there is none) and `args` their values in order.
 */
export function conditions(...fixed: string[]) {
  const parts = [...fixed];
  const args: unknown[] = [];
  const c = {
    args,
    add(condition: string, ...values: unknown[]) {
      parts.push(condition);
      args.push(...values);
      return c;
    },
    equals(column: string, value: unknown) {
      return value === undefined ? c : c.add(`${column} = ?`, value);
    },
    get where() {
      return parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '';
    },
  };
  return c;
}
