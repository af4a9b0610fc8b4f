/**
 * 0064: every reference to a table the daily retention job deletes from (modules/audit/retention.ts)
 * has an index on the referring column, on both engines. Deleting a row makes the database look up
 * the rows that refer to it; without such an index each look is a scan of the whole referring
 * table, once per deleted row (two years of signs of life, one day's check-ins pruned: over an
 * hour with the hub held). And the check-ins lost their index by household and time.
 */
import Database from 'better-sqlite3';
import { type TestDatabase, withTestDatabase } from '../testing/postgres';
import { migrate } from './migrate';

/** The tables modules/audit/retention.ts deletes rows from. */
const PRUNED = ['signs_of_life', 'checkins', 'calls', 'data_reads', 'announcement_receipts', 'audit_log'];

interface Reference {
  table: string;
  column: string;
  parent: string;
}

function sqliteReferences(db: Database.Database): Reference[] {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  return tables.flatMap((table) =>
    (db.pragma(`foreign_key_list(${table})`) as { table: string; from: string }[])
      .filter((f) => PRUNED.includes(f.table))
      .map((f) => ({ table, column: f.from, parent: f.table })),
  );
}

describe('0064-retention-indexes', () => {
  const db = new Database(':memory:');
  migrate(db);
  afterAll(() => db.close());

  it('finds the rows that refer to a pruned row through an index, never by reading the whole table', () => {
    const refs = sqliteReferences(db);
    // The three that had no index: a check-in's signs of life, a call's call-backs and its orders.
    expect(refs).toEqual(
      expect.arrayContaining([
        { table: 'signs_of_life', column: 'checkin_id', parent: 'checkins' },
        { table: 'calls', column: 'callback_of', parent: 'calls' },
        { table: 'orders', column: 'call_id', parent: 'calls' },
      ]),
    );
    // What SQLite asks for each deleted parent row (its foreign key check), as the planner runs it.
    const plans = refs.map(({ table, column }) => ({
      table,
      column,
      plan: (db.prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM ${table} WHERE ${column} = ?`).all(1) as { detail: string }[])
        .map((r) => r.detail)
        .join('; '),
    }));
    for (const p of plans)
      expect(p).toEqual({ ...p, plan: expect.stringMatching(/^SEARCH .* USING (COVERING )?INDEX/) });
  });

  it("reads a household's last check-in from its signs of life in index order", () => {
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'checkins_household_at'").all()).toEqual([]);
    const plan = (
      db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT s.at FROM signs_of_life s WHERE s.household_id = ? AND s.kind = 'checkin' ORDER BY s.at DESC LIMIT 1",
        )
        .all(1) as { detail: string }[]
    ).map((r) => r.detail);
    expect(plan).toEqual([
      expect.stringMatching(/^SEARCH s USING INDEX signs_of_life_household_at \(household_id=\?\)/),
    ]);
  });

  describe('on PostgreSQL', () => {
    let t: TestDatabase;
    withTestDatabase((made) => {
      t = made;
    });

    it('has an index led by every column that refers to a pruned table', async () => {
      const refs = sqliteReferences(db);
      const { rows } = await t.pg.query<{ table: string; column: string }>(
        `SELECT c.relname AS table, a.attname AS column FROM pg_index i
           JOIN pg_class c ON c.oid = i.indrelid
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
          WHERE c.relnamespace = 'public'::regnamespace`,
      );
      const led = new Set(rows.map((r) => `${r.table}.${r.column}`));
      expect(refs.length).toBeGreaterThan(0);
      expect(refs.filter((r) => !led.has(`${r.table}.${r.column}`))).toEqual([]);
      const { rows: dropped } = await t.pg.query("SELECT 1 FROM pg_indexes WHERE indexname = 'checkins_household_at'");
      expect(dropped).toEqual([]);
    });
  });
});
