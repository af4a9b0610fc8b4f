/**
 * The retention job on both engines: what is older than the period goes (check-ins, signs of life,
 * ended calls with their links, data reads, receipts of finished announcements), what is live stays,
 * and the run is recorded in the same unit of work; the append-only audit keeps entries younger than
 * five years whatever the job is told; two runs at once delete once. On PostgreSQL with two hubs, only
 * the leader runs it, and the other takes over when the leader dies.
 */
import { openPostgres, type Pg } from '../../db/postgres';
import { postgresSql } from '../../db/sql';
import { FakeClock } from '../../lib/clock';
import { createJobs, type Jobs } from '../../plugins/jobs';
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { createTestDatabase, type TestDatabase } from '../../testing/postgres';
import { until } from '../../testing/until';
import { AuditPruneRefusedError, createRetention, scheduleRetention } from './retention';

const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;

type Query = EngineDb['query'];

/** Rows at `old` (each kind the job deletes) and rows it must keep; returns what to look at. */
async function seed(query: Query, old: number) {
  const id = async (text: string, params: unknown[] = []) =>
    Number((await query<{ id: number }>(`${text} RETURNING id`, params))[0]!.id);
  const household = await id("INSERT INTO households (name, address, district_id, created_at) VALUES ('h', 'a', 1, 0)");
  const shop = await id("INSERT INTO shops (name, category, kind, created_at) VALUES ('s', 'c', 'shop', 0)");
  const terminal = await id('INSERT INTO terminals (household_id, credential_hash, enrolled_at) VALUES (?, ?, 0)', [
    household,
    `cred-${household}`,
  ]);
  const checkin = await id(
    'INSERT INTO checkins (household_id, idempotency_key, at, pressed_at, received_at) VALUES (?, ?, ?, ?, ?)',
    [household, 'old', old, old, old],
  );
  await query("INSERT INTO signs_of_life (household_id, kind, at, checkin_id) VALUES (?, 'checkin', ?, ?)", [
    household,
    old,
    checkin,
  ]);
  const call = (status: string, endedAt: number | null, callbackOf: number | null = null) =>
    id(
      `INSERT INTO calls (shop_id, household_id, direction, status, requested_at, ended_at, callback_of)
       VALUES (?, ?, 'inbound', ?, ?, ?, ?)`,
      [shop, household, status, old, endedAt, callbackOf],
    );
  const ended = await call('ended', old);
  const waiting = await call('waiting', null, ended);
  const order = await id(
    `INSERT INTO orders (shop_id, household_id, call_id, status, created_at, updated_at)
     VALUES (?, ?, ?, 'received', ?, ?)`,
    [shop, household, ended, old, old],
  );
  await query("INSERT INTO data_reads (at, actor, household_id, what) VALUES (?, 'user:1:x', ?, 'record')", [
    old,
    household,
  ]);
  const announcement = (status: string) =>
    id(
      `INSERT INTO announcements (kind, test, title_ja, body_ja, target, status, published_at, created_by, created_at, updated_at)
       VALUES ('routine', 0, 't', 'b', '{"type":"all"}', ?, ?, 'x', ?, ?)`,
      [status, old, old, old],
    );
  const live = await announcement('published');
  const over = await announcement('expired');
  for (const a of [live, over])
    await query(
      'INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, delivered_at) VALUES (?, ?, ?, ?)',
      [a, terminal, household, old],
    );
  const alert = await id(
    "INSERT INTO watch_alerts (kind, household_id, district_id, opened_at) VALUES ('concern', ?, 1, ?)",
    [household, old],
  );
  return { household, waiting, order, live, over, alert };
}

const count = async (query: Query, text: string, params: unknown[] = []) =>
  Number((await query<{ n: number }>(`SELECT COUNT(*) AS n ${text}`, params))[0]!.n);
const pruned = async (query: Query) =>
  (await query<{ detail: string }>("SELECT detail FROM audit_log WHERE action = 'retention.pruned' ORDER BY id")).map(
    (r) => JSON.parse(r.detail) as Record<string, number>,
  );

describe.each(ENGINES)('retention on %s', (engine) => {
  let db: EngineDb;
  beforeEach(async () => {
    db = await openEngine(engine);
  });
  afterEach(() => db.close());

  it('deletes what is older than the period, keeps what is live, and records the run with it', async () => {
    const start = Date.now();
    const rows = await seed(db.query, start);
    const clock = new FakeClock(start);
    const retention = createRetention(engineSql(db), clock, 30, 3650);
    // Within the period: nothing goes, nothing is recorded.
    expect(await retention.run(start + 29 * DAY)).toEqual({
      checkins: 0,
      signsOfLife: 0,
      calls: 0,
      dataReads: 0,
      receipts: 0,
      audit: 0,
    });
    expect(await pruned(db.query)).toEqual([]);

    const counts = { checkins: 1, signsOfLife: 1, calls: 1, dataReads: 1, receipts: 1, audit: 0 };
    expect(await retention.run(start + 31 * DAY)).toEqual(counts);
    expect(await count(db.query, 'FROM checkins')).toBe(0);
    expect(await count(db.query, 'FROM signs_of_life')).toBe(0);
    expect(await count(db.query, 'FROM data_reads')).toBe(0);
    // The ended call goes: its order stays, unlinked; the waiting call stays, no longer a callback of it.
    expect(await db.query('SELECT id, callback_of FROM calls')).toEqual([{ id: rows.waiting, callback_of: null }]);
    expect(await db.query('SELECT call_id FROM orders WHERE id = ?', [rows.order])).toEqual([{ call_id: null }]);
    expect(await count(db.query, 'FROM announcement_receipts WHERE announcement_id = ?', [rows.over])).toBe(0);
    expect(await count(db.query, 'FROM announcement_receipts WHERE announcement_id = ?', [rows.live])).toBe(1);
    expect(await count(db.query, "FROM watch_alerts WHERE id = ? AND state = 'open'", [rows.alert])).toBe(1);
    expect(await pruned(db.query)).toEqual([{ days: 30, auditDays: 3650, ...counts }]);
    // Again: nothing left to delete, nothing recorded.
    expect(await retention.run(start + 32 * DAY)).toMatchObject({ checkins: 0, calls: 0, receipts: 0 });
    expect(await pruned(db.query)).toHaveLength(1);
  });

  it('keeps audit entries younger than five years whatever it is told (append-only), deleting the rest', async () => {
    // The audit table's trigger judges by the database's own clock: real times here.
    const now = Date.now();
    const entry = (at: number) =>
      db.query("INSERT INTO audit_log (at, actor, action) VALUES (?, 'system', 'old')", [at]);
    await entry(now - 6 * YEAR);
    await entry(now - 2 * YEAR);
    await seed(db.query, now - 40 * DAY);
    const sql = engineSql(db);

    // One year asked (the configuration refuses it; the database too): the audit part is refused as
    // a whole, the other deletions stand and are recorded.
    const refusedRun = createRetention(sql, new FakeClock(now), 30, 365).run();
    await expect(refusedRun).rejects.toBeInstanceOf(AuditPruneRefusedError);
    await expect(refusedRun).rejects.toMatchObject({ result: { checkins: 1, audit: 0 } });
    expect(await count(db.query, "FROM audit_log WHERE action = 'old'")).toBe(2);
    expect(await count(db.query, 'FROM checkins')).toBe(0);
    expect(await pruned(db.query)).toEqual([expect.objectContaining({ checkins: 1, audit: 0 })]);

    // Six years old is past the trigger's five: that one goes.
    expect(await createRetention(sql, new FakeClock(now), 30, 2000).run()).toMatchObject({ audit: 1, checkins: 0 });
    expect(await count(db.query, "FROM audit_log WHERE action = 'old'")).toBe(1);
    // No entry can be changed, nor a young one deleted, by anyone.
    await expect(db.query("UPDATE audit_log SET actor = 'x'")).rejects.toMatchObject(refused(/append-only/));
    await expect(db.query('DELETE FROM audit_log')).rejects.toMatchObject(refused(/append-only/));
  });

  it('deletes once when two runs happen at once (another hub, a leader that has not learnt it lost)', async () => {
    const start = Date.now();
    await seed(db.query, start);
    await seed(db.query, start);
    const other =
      db.engine === 'postgres' ? await openPostgres(db.pg.options.connectionString!, { migrate: false }) : null;
    try {
      const sqlB = other ? postgresSql(other) : engineSql(db);
      const at = start + 31 * DAY;
      const runs = await Promise.all([
        createRetention(engineSql(db), new FakeClock(start), 30, 3650).run(at),
        createRetention(sqlB, new FakeClock(start), 30, 3650).run(at),
      ]);
      // Each row was deleted by one run: the counts add up to what there was, and one run found nothing.
      expect(runs.map((r) => r.checkins).sort()).toEqual([0, 2]);
      expect(runs.map((r) => r.calls).sort()).toEqual([0, 2]);
      expect(await pruned(db.query)).toEqual([expect.objectContaining({ checkins: 2, calls: 2, receipts: 2 })]);
    } finally {
      await other?.end();
    }
  });
});

describe('retention with two hubs on one PostgreSQL', () => {
  let t: TestDatabase;
  const pools: Pg[] = [];
  const hubs: Jobs[] = [];
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.pg.query("INSERT INTO districts (code, name, name_en) VALUES ('d', 'D', 'D')");
  });
  afterAll(async () => {
    for (const hub of hubs) await hub.close();
    for (const pool of pools) await pool.end();
    await t.drop();
  });
  const query: Query = async (text, params = []) => {
    let n = 0;
    return (
      await t.pg.query(
        text.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows;
  };

  /** A hub: its own pool, its own clock, the retention job under its jobs' leadership. */
  async function hub(start: number) {
    const pg = await openPostgres(t.url, { migrate: false });
    pools.push(pg);
    const clock = new FakeClock(start);
    const errors: unknown[] = [];
    const jobs = createJobs({ enabled: true, pg, retryMs: 50, onError: (err) => errors.push(err) });
    hubs.push(jobs);
    let stop = async () => {};
    jobs.add('retention', {
      start: () => {
        stop = scheduleRetention({
          sql: postgresSql(pg),
          clock,
          days: 30,
          auditDays: 3650,
          onError: (err) => errors.push(err),
        });
      },
      stop: () => stop(),
    });
    return { jobs, clock, errors };
  }

  it('runs on the leader only; when the leader dies the other hub runs it', async () => {
    const old = Date.now() - 40 * DAY;
    await seed(query, old);
    const a = await hub(Date.now());
    await until(() => a.jobs.leading, 20_000);
    const b = await hub(Date.now());
    await new Promise((r) => setTimeout(r, 300));
    expect(b.jobs.leading).toBe(false);
    // Only the leader armed the job's timer: a minute later it ran once, and B has nothing to run.
    expect(a.clock.pendingTimers()).toBe(1);
    expect(b.clock.pendingTimers()).toBe(0);
    a.clock.advance(60_000);
    b.clock.advance(60_000);
    await until(async () => (await pruned(query)).length === 1, 20_000);
    expect(await pruned(query)).toEqual([expect.objectContaining({ checkins: 1, calls: 1 })]);

    // A's connection dies (a killed process): B takes over and arms the job; A's stops.
    await t.pg.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()",
    );
    await until(() => b.jobs.leading && b.clock.pendingTimers() === 1, 20_000);
    await until(() => !a.jobs.leading && a.clock.pendingTimers() === 0, 20_000);
    await seed(query, old);
    a.clock.advance(DAY);
    b.clock.advance(60_000);
    await until(async () => (await pruned(query)).length === 2, 20_000);
    expect((await pruned(query))[1]).toMatchObject({ checkins: 1, calls: 1 });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
