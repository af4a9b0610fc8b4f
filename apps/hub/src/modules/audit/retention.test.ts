/**
 * Retention (issue 11, ISMS): the daily job on the injected clock deletes check-ins, signs of life,
 * ended call records, data reads and the receipts of finished announcements once they are older than
 * TSUNAGU_RETENTION_DAYS, and audit entries older than TSUNAGU_AUDIT_RETENTION_DAYS; live
 * announcements' receipts and watch alerts stay.
 */
import { loadConfig } from '../../config';
import { FakeClock } from '../../lib/clock';
import { as, createTestHub, enrollTerminal, login, type TestHub } from '../../testing/harness';
import { settledAfter } from '../../testing/test-engine';

jest.setTimeout(30_000);

const DAY = 24 * 60 * 60 * 1000;

describe('retention job', () => {
  let hub: TestHub;
  let clock: FakeClock;
  beforeAll(async () => {
    clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    hub = await createTestHub({ clock, config: { retentionDays: 30 } });
  });
  afterAll(() => hub.close());

  const count = async (text: string) => (await hub.ctx.sql.get<{ n: number }>(text))!.n;
  /** Moves the clock and waits for the runs that fell due (a run is one unit of work). */
  const advance = (ms: number) => settledAfter(hub, () => clock.advance(ms));

  it('deletes only what is older than the period, and never a live announcement or a watch alert', async () => {
    const sql = hub.ctx.sql;
    const [h0, h1] = hub.fixture.households as [number, number];
    const { terminalId } = await enrollTerminal(hub, h0);
    const cityhall = await login(hub, 'cityhall');
    const announce = async (title: string) => {
      const res = await as(
        hub,
        cityhall,
      )({
        method: 'POST',
        url: '/api/announcements',
        payload: { kind: 'routine', titleJa: title, bodyJa: '本文', target: { type: 'all' } },
      });
      expect(res.statusCode).toBe(201);
      return (res.json() as { id: number }).id;
    };
    const live = await announce('ずっと有効');
    const over = await announce('終わった');
    await sql.run("UPDATE announcements SET status = 'expired' WHERE id = ?", [over]);

    const old = clock.now();
    const receipt = (announcementId: number) =>
      sql.run(
        `INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, delivered_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (announcement_id, terminal_id) DO UPDATE SET household_id = excluded.household_id, delivered_at = excluded.delivered_at`,
        [announcementId, terminalId, h0, old],
      );
    await receipt(live);
    await receipt(over);
    const insertId = async (text: string, params: unknown[]) =>
      (await sql.get<{ id: number }>(`${text} RETURNING id`, params))!.id;
    const checkin = (key: string, at: number) =>
      insertId(
        'INSERT INTO checkins (household_id, idempotency_key, at, pressed_at, received_at) VALUES (?, ?, ?, ?, ?)',
        [h0, key, at, at, at],
      );
    const oldCheckin = await checkin('old', old);
    await sql.run("INSERT INTO signs_of_life (household_id, kind, at, checkin_id) VALUES (?, 'checkin', ?, ?)", [
      h0,
      old,
      oldCheckin,
    ]);
    const call = (status: string, endedAt: number | null) =>
      insertId(
        `INSERT INTO calls (shop_id, household_id, direction, status, requested_at, ended_at)
         VALUES (?, ?, 'inbound', ?, ?, ?)`,
        [hub.fixture.shopId, h0, status, old, endedAt],
      );
    const oldCall = await call('ended', old);
    await call('waiting', null);
    await sql.run(
      `INSERT INTO orders (shop_id, household_id, call_id, status, created_at, updated_at)
       VALUES (?, ?, ?, 'received', ?, ?)`,
      [hub.fixture.shopId, h0, oldCall, old, old],
    );
    const alert = await insertId(
      "INSERT INTO watch_alerts (kind, household_id, district_id, opened_at) VALUES ('concern', ?, ?, ?)",
      [h1, hub.fixture.districts[0] ?? 1, old],
    );
    await hub.ctx.reads.record('user:1:x', 'record', [h0], null);
    // Audit entries have their own, longer period (default ten years).
    for (const at of ['2015-06-01T00:00:00Z', '2020-06-01T00:00:00Z'])
      await sql.run("INSERT INTO audit_log (at, actor, action) VALUES (?, 'system', 'old')", [Date.parse(at)]);
    const auditRows = await count('SELECT COUNT(*) AS n FROM audit_log');

    // Within the period nothing goes, however often the job runs.
    await advance(29 * DAY);
    const recent = clock.now();
    await checkin('recent', recent);
    expect(await count('SELECT COUNT(*) AS n FROM checkins')).toBe(2);
    expect(await count('SELECT COUNT(*) AS n FROM data_reads')).toBe(1);

    await advance(2 * DAY);
    expect(await count(`SELECT COUNT(*) AS n FROM checkins WHERE household_id = ${h0}`)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM checkins WHERE idempotency_key = 'recent'")).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM signs_of_life')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM data_reads')).toBe(0);
    // The ended call goes (its order stays, unlinked); the call still waiting stays.
    expect(await count('SELECT COUNT(*) AS n FROM calls')).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM calls WHERE status = 'waiting'")).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM orders WHERE call_id IS NULL')).toBe(1);
    // The finished announcement's receipt goes; the live one's stays.
    expect(await count(`SELECT COUNT(*) AS n FROM announcement_receipts WHERE announcement_id = ${over}`)).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM announcement_receipts WHERE announcement_id = ${live}`)).toBe(1);
    expect(await count(`SELECT COUNT(*) AS n FROM watch_alerts WHERE id = ${alert} AND state = 'open'`)).toBe(1);
    // Only the audit entry older than ten years went; the job's own entry holds counts only.
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'old'")).toBe(1);
    const entries = await sql.all<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'retention.pruned' ORDER BY id",
    );
    // The first run (a minute after start) took the old audit entry; the run after the period the rest.
    expect(entries).toHaveLength(2);
    expect(JSON.parse(entries[0]!.detail)).toMatchObject({ audit: 1, checkins: 0, calls: 0 });
    expect(JSON.parse(entries[1]!.detail)).toEqual({
      days: 30,
      auditDays: 3650,
      audit: 0,
      checkins: 1,
      signsOfLife: 1,
      calls: 1,
      dataReads: 1,
      receipts: 1,
    });
    expect(await count('SELECT COUNT(*) AS n FROM audit_log')).toBe(auditRows + 1);
  });

  it('reads the period from TSUNAGU_RETENTION_DAYS and refuses nonsense', () => {
    expect(loadConfig({ TSUNAGU_RETENTION_DAYS: '365' }).retentionDays).toBe(365);
    expect(loadConfig({}).retentionDays).toBe(730);
    expect(() => loadConfig({ TSUNAGU_RETENTION_DAYS: '7' })).toThrow(/TSUNAGU_RETENTION_DAYS/);
    expect(() => loadConfig({ TSUNAGU_RETENTION_DAYS: 'forever' })).toThrow(/TSUNAGU_RETENTION_DAYS/);
    expect(loadConfig({}).auditRetentionDays).toBe(3650);
    expect(loadConfig({ TSUNAGU_AUDIT_RETENTION_DAYS: '2000' }).auditRetentionDays).toBe(2000);
    // Younger than the five years the audit log's trigger keeps: refused at start.
    expect(() => loadConfig({ TSUNAGU_AUDIT_RETENTION_DAYS: '365' })).toThrow(/TSUNAGU_AUDIT_RETENTION_DAYS/);
  });
});
