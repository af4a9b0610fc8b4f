/**
 * The SQLite migrations are the source of truth for the schema; PostgreSQL runs them translated
 * (migrate-engines.ts). This test migrates both engines and compares every table: columns (type,
 * NOT NULL, default, primary key), unique keys, foreign keys and the append-only triggers. CHECK
 * constraints are not compared here: the stores' suites run against both engines and prove them.
 */
import Database from 'better-sqlite3';
import { type TestDatabase, withTestDatabase } from '../testing/postgres';
import { migrate } from './migrate';

const SQLITE_TYPES: Record<string, string> = {
  INTEGER: 'bigint',
  TEXT: 'text',
  REAL: 'double precision',
  BLOB: 'bytea',
};
const ON_DELETE: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

interface Table {
  columns: string[];
  unique: string[];
  foreignKeys: string[];
  triggers: string[];
}

function sqliteSchema(db: Database.Database): Map<string, Table> {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
    )
    .pluck()
    .all() as string[];
  const schema = new Map<string, Table>();
  for (const t of tables) {
    const cols = db.pragma(`table_info(${t})`) as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    const pk = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const columns = cols.map(
      (c) =>
        `${c.name} ${SQLITE_TYPES[c.type]}${c.notnull || pk.includes(c.name) ? ' not null' : ''}${c.dflt_value === null ? '' : ` default ${c.dflt_value}`}`,
    );
    const indexes = db.pragma(`index_list(${t})`) as { name: string; unique: number; partial: number }[];
    const unique = [
      `primary key (${pk.join(', ')})`,
      ...indexes
        .filter((i) => i.unique && !i.name.startsWith('sqlite_autoindex_pk'))
        .filter(
          (i) =>
            (db.pragma(`index_info(${i.name})`) as { name: string }[]).map((c) => c.name).join(', ') !== pk.join(', '),
        )
        .map(
          (i) =>
            `unique (${(db.pragma(`index_info(${i.name})`) as { name: string }[]).map((c) => c.name).join(', ')})${i.partial ? ' partial' : ''}`,
        ),
    ];
    const foreignKeys = (
      db.pragma(`foreign_key_list(${t})`) as { table: string; from: string; to: string; on_delete: string }[]
    ).map((f) => `${f.from} -> ${f.table}(${f.to}) on delete ${f.on_delete}`);
    const triggers = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?")
      .pluck()
      .all(t) as string[];
    schema.set(t, { columns, unique: unique.sort(), foreignKeys: foreignKeys.sort(), triggers: triggers.sort() });
  }
  return schema;
}

async function postgresSchema(t: TestDatabase): Promise<Map<string, Table>> {
  const q = async <R extends object>(sql: string, params: unknown[] = []) => (await t.pg.query<R>(sql, params)).rows;
  const tables = await q<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'",
  );
  const schema = new Map<string, Table>();
  for (const { name } of tables) {
    const cols = await q<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
    }>(
      'SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
      [name],
    );
    const columns = cols.map(
      (c) =>
        `${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''}${c.column_default === null ? '' : ` default ${c.column_default.replace(/::[a-z ]+$/, '')}`}`,
    );
    const indexes = await q<{ cols: string; primary: boolean; partial: boolean }>(
      `SELECT string_agg(a.attname, ', ' ORDER BY k.ord) AS cols, i.indisprimary AS primary, i.indpred IS NOT NULL AS partial
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
       WHERE c.relname = $1 AND i.indisunique GROUP BY i.indexrelid, i.indisprimary, i.indpred`,
      [name],
    );
    const unique = indexes.map((i) =>
      i.primary ? `primary key (${i.cols})` : `unique (${i.cols})${i.partial ? ' partial' : ''}`,
    );
    const fks = await q<{ from: string; table: string; to: string; del: string }>(
      `SELECT a.attname AS from, rc.relname AS table, ra.attname AS to, con.confdeltype AS del
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class rc ON rc.oid = con.confrelid
       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
       JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
       WHERE con.contype = 'f' AND c.relname = $1`,
      [name],
    );
    const foreignKeys = fks.map((f) => `${f.from} -> ${f.table}(${f.to}) on delete ${ON_DELETE[f.del]}`);
    // TRUNCATE has no SQLite counterpart: PostgreSQL's extra statement trigger is not compared.
    const triggers = (
      await q<{ tgname: string }>(
        "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = $1 AND NOT tgisinternal AND tgname NOT LIKE '%_no_truncate'",
        [name],
      )
    ).map((r) => r.tgname);
    schema.set(name, { columns, unique: unique.sort(), foreignKeys: foreignKeys.sort(), triggers: triggers.sort() });
  }
  return schema;
}

describe('PostgreSQL schema', () => {
  let t: TestDatabase;
  let sqlite: Map<string, Table>;
  let postgres: Map<string, Table>;
  withTestDatabase(async (made) => {
    t = made;
    const db = new Database(':memory:');
    migrate(db);
    sqlite = sqliteSchema(db);
    db.close();
    postgres = await postgresSchema(t);
  });

  it('has the same tables on both engines', () => {
    expect([...postgres.keys()].sort()).toEqual([...sqlite.keys()].sort());
  });

  it('gives each table the same columns, keys, references and triggers on both engines', () => {
    expect(postgres.size).toBeGreaterThan(0);
    for (const [name, table] of postgres) expect({ name, ...table }).toEqual({ name, ...sqlite.get(name)! });
  });
});
