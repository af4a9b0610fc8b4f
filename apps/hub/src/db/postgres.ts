/**
 * The hub's PostgreSQL connection pool and its migrations: the SQLite ones (db/migrations), translated
 * by migrate-engines.ts; `postgres-schema.test.ts` checks both engines get the same schema.
 */
import pg from 'pg';
import { loadMigrations, MIGRATIONS_DIR } from './migrate';

export type Pg = pg.Pool;
export type PgClient = pg.PoolClient;

const INT8 = 20;
// BIGINT columns hold ids and millisecond times: numbers in JavaScript, as SQLite gives them.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 && format !== 'binary')
      return (value: string) => {
        const n = Number(value);
        if (!Number.isSafeInteger(n)) throw new Error(`BIGINT ${value} is beyond JavaScript's safe integers`);
        return n;
      };
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloaded parser lookup
    return pg.types.getTypeParser(oid as any, format as any);
  },
};

export async function openPostgres(url: string, options: { migrate?: boolean; max?: number } = {}): Promise<Pg> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  // An idle client that loses its server (a restart, a failover) must not crash the hub.
  pool.on('error', () => undefined);
  if (options.migrate !== false) {
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }
  return pool;
}

/** Runs `fn` in one transaction on one connection: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: Pg, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client that loses its server between two statements emits 'error' with nobody
  // listening (the pool listens to idle ones only), which would crash the hub: the unit of work's next
  // statement fails instead, and the client is not given back to the pool.
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}

// Several hubs may start at once against one database: the migrations are applied by one at a time.
const MIGRATION_LOCK = 0x7453_4e47; // "tSNG"

/** Applies the pending PostgreSQL migrations in number order, each in its own transaction. */
export async function migratePostgres(pool: Pg, options: { dir?: string } = {}): Promise<number[]> {
  const migrations = loadMigrations(options.dir ?? MIGRATIONS_DIR, 'postgres');
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)',
      );
      const had = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (had.rowCount) return false;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
