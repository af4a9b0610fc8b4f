/**
 * The readiness probe on both engines: a write to the one `health_probe` row (never a second),
 * `database` ok while it works, failing with the reason once the database is gone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { type Db, openDatabase } from '../db/database';
import { type Sql, sqliteSql } from '../db/sql';
import { FakeClock } from '../lib/clock';
import { RepeatedLog } from '../lib/repeated-log';
import { ENGINES, type EngineDb, engineSql, openEngine } from '../testing/engines';
import { createHealth } from './health';
import { createStorageGuard } from './storage';

const silent = { info() {}, warn() {}, error() {} } as never;

/** A storage guard on a clock the test moves (no disk thresholds), and its `database` check. */
function guarded(db: Db, sql: Sql, dataDir: string) {
  const clock = new FakeClock(1_000);
  const health = createHealth({ clock, log: silent, registry: new Registry() });
  const guard = createStorageGuard({
    db,
    sql,
    dataDir,
    thresholds: { warnBytes: 0, reserveBytes: 0 },
    clock,
    health,
    repeated: new RepeatedLog(silent, clock),
    registry: new Registry(),
  });
  const database = async () => (await health.evaluate()).checks.find((c) => c.name === 'database');
  return { clock, guard, database };
}

describe.each(ENGINES)('the readiness probe on %s', (engine) => {
  let db: EngineDb;
  afterAll(() => db.close());

  it('rewrites one row while the database works, and fails the check once it is gone', async () => {
    db = await openEngine(engine);
    // The schema check reads SQLite's migrations: a migrated in-memory database stands in on PostgreSQL.
    const schema = db.engine === 'sqlite' ? db.db : openDatabase(':memory:');
    const { clock, database } = guarded(schema, engineSql(db), os.tmpdir());
    expect(await database()).toMatchObject({ status: 'ok' });
    clock.advance(5_000);
    expect(await database()).toMatchObject({ status: 'ok' });
    expect(await db.query('SELECT id, checked_at FROM health_probe')).toEqual([{ id: 1, checked_at: 6_000 }]);
    await expect(
      db.query('INSERT INTO health_probe (id, checked_at, filler) VALUES (2, 0, ?)', [Buffer.alloc(1)]),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/CHECK|check constraint/),
    });

    await db.breakConnection();
    clock.advance(5_000);
    expect(await database()).toMatchObject({ status: 'fail' });
    if (db.engine === 'postgres') schema.close();
  });
});

describe('the database check after one storage problem follows another', () => {
  it('says "disk full" once writes fail for that, not the read-only of a moment before', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-probe-'));
    const db = openDatabase(path.join(dir, 'hub.db'));
    try {
      const { guard, database } = guarded(db, sqliteSql(db), dir);
      db.pragma('query_only = ON');
      expect(await database()).toMatchObject({ status: 'fail', reason: 'read_only' });
      db.pragma('query_only = OFF');
      // Within the probe's two seconds the database stops growing and a write fails for that.
      db.exec('CREATE TABLE filler (x BLOB)');
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      let full: unknown;
      try {
        for (let i = 0; i < 50; i++) db.prepare('INSERT INTO filler (x) VALUES (?)').run(Buffer.alloc(64 * 1024));
      } catch (err) {
        full = err;
      }
      expect(guard.reportFailure(full, 'test write')).toBe(true);
      expect(await database()).toMatchObject({ status: 'fail', reason: 'disk_full' });
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
