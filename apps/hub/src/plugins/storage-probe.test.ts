/**
 * The readiness probe on both engines: a write to the one `health_probe` row (never a second),
 * `database` ok while it works, failing with the reason once the database is gone.
 */
import os from 'node:os';
import { Registry } from 'prom-client';
import { openDatabase } from '../db/database';
import { FakeClock } from '../lib/clock';
import { RepeatedLog } from '../lib/repeated-log';
import { ENGINES, type EngineDb, engineSql, openEngine } from '../testing/engines';
import { createHealth } from './health';
import { createStorageGuard } from './storage';

const silent = { info() {}, warn() {}, error() {} } as never;

describe.each(ENGINES)('the readiness probe on %s', (engine) => {
  let db: EngineDb;
  afterAll(() => db.close());

  it('rewrites one row while the database works, and fails the check once it is gone', async () => {
    db = await openEngine(engine);
    const clock = new FakeClock(1_000);
    const health = createHealth({ clock, log: silent, registry: new Registry() });
    // The schema check reads SQLite's migrations: a migrated in-memory database stands in on PostgreSQL.
    const schema = db.engine === 'sqlite' ? db.db : openDatabase(':memory:');
    createStorageGuard({
      db: schema,
      sql: engineSql(db),
      dataDir: os.tmpdir(),
      thresholds: { warnBytes: 0, reserveBytes: 0 },
      clock,
      health,
      repeated: new RepeatedLog(silent, clock),
      registry: new Registry(),
    });
    const database = async () => (await health.evaluate()).checks.find((c) => c.name === 'database');
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
