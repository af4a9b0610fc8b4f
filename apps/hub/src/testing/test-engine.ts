/**
 * What a hub-level suite needs to run unchanged on both engines (the `postgres` jest project sets
 * `TSUNAGU_TEST_ENGINE=postgres`): the engine test hubs run on, the one way a test about SQLite
 * itself is left out on PostgreSQL (saying why), and what the engines do differently around a
 * test: a restart on the same database, a child process pointed at it, waiting for what a timer
 * set off, a change heard back through the change feed, counting statements.
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { type BuildOptions, buildApp } from '../app';
import { openPostgres } from '../db/postgres';
import { postgresSql, type Sql, sqliteSql } from '../db/sql';
import type { Hub } from '../hub';
import { until } from './until';

/**
 * The engine test hubs run on: SQLite in memory, or with TSUNAGU_TEST_ENGINE=postgres a fresh
 * PostgreSQL database per hub (testing/postgres.ts), so a suite runs on both engines unchanged.
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' =
  process.env.TSUNAGU_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

type TestFn = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * `it` for a test about SQLite itself (its file broken or full, WAL, its connection's own
 * mechanisms): run on SQLite; on PostgreSQL reported as skipped with the reason in its name, so
 * the run says what it left out. Never for a test that merely reads `hub.ctx.db`: that one goes
 * through `hub.ctx.sql` or a store instead.
 */
export function itOnSqliteOnly(reason: string): TestFn {
  if (TEST_ENGINE === 'sqlite') return it;
  return (name, fn, timeout) => it.skip(`${name} [SQLite only: ${reason}]`, fn, timeout);
}

/**
 * Environment for a child process (`runAdmin`, a child hub) to open `hub`'s database: nothing on
 * SQLite (the data folder names it), the URL on PostgreSQL.
 */
export function databaseEnv(hub: Hub): Record<string, string> {
  const database = hub.ctx.config.database;
  return database.engine === 'postgres' ? { TSUNAGU_DATABASE_URL: database.url } : {};
}

/**
 * Another hub on `hub`'s database, as after a restart: on SQLite on the connection the test passed in
 * (it stays open when a hub stops), on PostgreSQL on the same database (kept until the test hub
 * closes), its scheduled jobs running as a restarted hub's would (on PostgreSQL once it leads).
 */
export async function restartOn(hub: Hub, options: BuildOptions = {}): Promise<Hub> {
  const database = hub.ctx.config.database;
  const next = await buildApp({
    ...options,
    ...(database.engine === 'postgres' ? { inMemory: true } : { db: hub.ctx.db }),
    config: { ...options.config, database },
  });
  if (database.engine === 'postgres' && options.backgroundJobs !== false)
    await until(() => next.ctx.jobs.leading, 20_000);
  return next;
}

/**
 * Runs `change` (a clock moved on, an event emitted) and waits until every unit of work
 * (`ctx.sql.transaction`) begun on `hub`'s runner meanwhile, or while waiting, has ended: what a
 * timer set off is stored. On SQLite a unit settles within the turn it began in; on PostgreSQL it
 * takes round trips, so a test waits for the work itself, not for one `setImmediate`.
 */
export async function settledAfter(hub: Hub, change: () => unknown): Promise<void> {
  const sql = hub.ctx.sql;
  const begin = sql.transaction.bind(sql);
  const pending = new Set<Promise<unknown>>();
  const spy = jest.spyOn(sql, 'transaction').mockImplementation((work, options) => {
    const unit = begin(work, options);
    pending.add(unit);
    const done = () => void pending.delete(unit);
    unit.then(done, done);
    return unit;
  });
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  try {
    await change();
    await turn();
    while (pending.size > 0) {
      await Promise.allSettled([...pending]);
      await turn();
    }
  } finally {
    spy.mockRestore();
  }
}

/**
 * What a `household.changed` listener heard, as a test compares it: on SQLite exactly that; on
 * PostgreSQL the hub also hears its own notice back through the change feed (and `null`, "forget
 * every household", when the feed connects), so there each household once and no resets.
 */
export function householdsTold(heard: (number | null)[]): (number | null)[] {
  return TEST_ENGINE === 'sqlite' ? heard : [...new Set(heard.filter((id) => id !== null))];
}

/**
 * A runner on `hub`'s database that outlives the hub: to change, between a stop and a restart,
 * what the restarted hub will find (on SQLite the connection the test passed in).
 */
export async function databaseOf(hub: Hub): Promise<{ sql: Sql; close(): Promise<void> }> {
  const database = hub.ctx.config.database;
  if (database.engine === 'sqlite') return { sql: sqliteSql(hub.ctx.db), close: async () => {} };
  const pg = await openPostgres(database.url, { migrate: false, max: 1 });
  return { sql: postgresSql(pg), close: () => pg.end() };
}

// What the engines run besides a store's own statements: transaction control, the change feed's
// notices and the hubs' upkeep (leadership heartbeat, LISTEN).
const UPKEEP =
  /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET |LISTEN|UNLISTEN|SELECT 1$|SELECT pg_notify|SELECT pg_(try_)?advisory)/i;

/**
 * The SQL statements every hub of the test runs from now on, on either engine (better-sqlite3's
 * statements, the `pg` clients' queries), without transaction control and upkeep: a test counts
 * round trips the same way on both.
 */
export function recordStatements(): { statements(): string[]; stop(): void } {
  const ran: string[] = [];
  const probe = new BetterSqlite3(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  const spies: { mockRestore(): void }[] = (['run', 'get', 'all', 'iterate'] as const).map((method) => {
    const original = statement[method]!;
    return jest.spyOn(statement, method).mockImplementation(function (this: { source: string }, ...args: unknown[]) {
      ran.push(this.source);
      return original.apply(this, args);
    });
  });
  const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  spies.push(
    jest.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const [first] = args;
      ran.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
      return query.apply(this, args);
    } as never),
  );
  return {
    statements: () => ran.filter((text) => !UPKEEP.test(text)),
    stop: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
