/**
 * The terminals store on both engines: one-time codes (unique hash, used once, even by two
 * enrollments at once), one active terminal per household (also when two codes of one household are
 * used at once), revocation once, presence and reports in batches, volume tests answered once.
 */

import { openPostgres } from '../../db/postgres';
import { postgresSql, type Sql } from '../../db/sql';
import { storageProblemOf } from '../../lib/storage-errors';
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { until } from '../../testing/until';
import {
  createTerminalsStore,
  EnrollmentCodeUsedError,
  onlineNow,
  PRESENCE_HOLDS_MS,
  type TerminalsStore,
} from './store';

const UNIQUE = /UNIQUE|unique|duplicate key/;
const CHECK = /CHECK|check constraint/;

describe.each(ENGINES)('terminals store on %s', (engine) => {
  let db: EngineDb;
  let store: TerminalsStore;
  let n = 0;
  const code = (householdId: number, expiresAt = 10_000) => ({
    codeHash: `code-${++n}`,
    householdId,
    createdBy: 'test',
    now: 1000,
    expiresAt,
  });
  /** A new household with an unused code; returns both. */
  async function withCode() {
    const householdId = await db.newHousehold();
    const c = code(householdId);
    const codeId = (await store.createCode(c))!;
    return { householdId, codeId, codeHash: c.codeHash };
  }
  const enroll = (x: { householdId: number; codeId: number }, now = 2000) =>
    store.enroll({ ...x, credentialHash: `cred-${++n}`, deviceName: null, now });
  const active = async (householdId: number) =>
    (
      await db.query<{ id: number }>('SELECT id FROM terminals WHERE household_id = ? AND revoked_at IS NULL', [
        householdId,
      ])
    ).map((r) => Number(r.id));

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createTerminalsStore(engineSql(db));
  });
  afterAll(() => db.close());

  it('stores a code once per hash and answers it by hash', async () => {
    const householdId = await db.newHousehold();
    const c = code(householdId);
    const id = await store.createCode(c);
    expect(id).toEqual(expect.any(Number));
    // A taken hash stores nothing: the service draws another code.
    expect(await store.createCode({ ...c, householdId: 1 })).toBeNull();
    expect(await store.codeByHash(c.codeHash)).toEqual({ id, householdId, expiresAt: 10_000, usedAt: null });
    expect(await store.codeByHash('nobody')).toBeUndefined();
  });

  it('enrolls with a code once, revoking the household’s earlier terminal in the same unit of work', async () => {
    const { householdId, codeId, codeHash } = await withCode();
    const first = await enroll({ householdId, codeId });
    expect(await store.codeByHash(codeHash)).toMatchObject({ usedAt: 2000 });
    expect(await store.get(first)).toEqual({
      id: first,
      householdId,
      districtId: expect.any(Number),
      online: false,
      lastSeenAt: null,
      revoked: false,
    });
    // The used code again: refused, and nothing stored (the earlier terminal is not revoked either).
    const terminalsBefore = await db.query('SELECT id FROM terminals');
    await expect(enroll({ householdId, codeId })).rejects.toThrow(/already used/);
    expect(await db.query('SELECT id FROM terminals')).toEqual(terminalsBefore);
    expect(await active(householdId)).toEqual([first]);

    const second = await enroll({ householdId, codeId: (await store.createCode(code(householdId)))! }, 3000);
    expect(await active(householdId)).toEqual([second]);
    expect(await store.get(first)).toMatchObject({ revoked: true, online: false });
    // The database itself keeps one active terminal per household and one terminal per credential.
    await expect(
      db.query("INSERT INTO terminals (household_id, credential_hash, enrolled_at) VALUES (?, 'other', 0)", [
        householdId,
      ]),
    ).rejects.toMatchObject(refused(UNIQUE));
  });

  it('lets one of two enrollments with the same code through, and both of two codes of one household in turn', async () => {
    const { householdId, codeId } = await withCode();
    const same = await Promise.allSettled([enroll({ householdId, codeId }), enroll({ householdId, codeId })]);
    expect(same.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await active(householdId)).toHaveLength(1);

    const codes = [(await store.createCode(code(householdId)))!, (await store.createCode(code(householdId)))!];
    const both = await Promise.all(codes.map((id) => enroll({ householdId, codeId: id })));
    // Whichever came last holds the household; the other was revoked by it.
    const [now] = await active(householdId);
    expect(both).toContain(now);
    expect(await active(householdId)).toHaveLength(1);
  });

  it('finds a terminal by credential, revokes it once and expires only unused codes', async () => {
    const { householdId, codeId } = await withCode();
    const id = await store.enroll({ householdId, codeId, credentialHash: 'secret-hash', deviceName: 'kiosk', now: 5 });
    expect(await store.byCredentialHash('secret-hash')).toMatchObject({ id, householdId, revoked: false });
    expect(await store.byCredentialHash('unknown')).toBeUndefined();
    const unused = code(householdId, 50_000);
    await store.createCode(unused);
    await store.expireCodes(householdId, 7000);
    expect(await store.codeByHash(unused.codeHash)).toMatchObject({ expiresAt: 7000, usedAt: null });
    const before = await store.countActive();
    expect(await store.revoke(id, 8000)).toBe(true);
    expect(await store.revoke(id, 9000)).toBe(false);
    expect(await store.byCredentialHash('secret-hash')).toMatchObject({ revoked: true });
    expect(await store.countActive()).toBe(before - 1);
    expect((await store.list()).find((t) => t.id === id)).toMatchObject({ revoked: true });
  });

  it('stores presence in batches, and marks offline only terminals not seen since a moment', async () => {
    const a = await enroll(await withCode());
    const b = await enroll(await withCode());
    await store.setPresenceMany([
      { id: a, online: true, at: 10_000 },
      { id: b, online: true, at: 20_000 },
    ]);
    expect(await store.get(a)).toMatchObject({ online: true, lastSeenAt: new Date(10_000).toISOString() });
    await store.markOfflineSeenBefore(15_000);
    expect(await store.get(a)).toMatchObject({ online: false });
    expect(await store.get(b)).toMatchObject({ online: true });
    await store.setPresence(b, false, 30_000);
    expect(await store.get(b)).toMatchObject({ online: false, lastSeenAt: new Date(30_000).toISOString() });
    // A batch naming a terminal that does not exist changes nothing else either way (an UPDATE).
    await store.setPresenceMany([{ id: 999_999, online: true, at: 1 }]);
  });

  it('answers the presence changes that turned a terminal, and a late offline from a hub it left changes nothing', async () => {
    const t = await enroll(await withCode());
    // Hub B: another store on its own connection (on PostgreSQL another pool), as another hub has.
    const other =
      db.engine === 'postgres' ? await openPostgres(db.pg.options.connectionString!, { migrate: false }) : null;
    const hubB = other ? createTerminalsStore(postgresSql(other)) : createTerminalsStore(engineSql(db));
    try {
      expect(await store.setPresenceMany([{ id: t, online: true, at: 1000 }])).toEqual([
        { id: t, online: true, at: 1000 },
      ]);
      // A heartbeat turns nothing: only the last-seen time moves.
      expect(await store.setPresenceMany([{ id: t, online: true, at: 2000 }])).toEqual([]);
      expect(await store.get(t)).toMatchObject({ online: true, lastSeenAt: new Date(2000).toISOString() });
      // The terminal reconnects to hub B before hub A notices it left: B turns nothing.
      expect(await hubB.setPresenceMany([{ id: t, online: true, at: 3000 }])).toEqual([]);
      // A's offline names the last time A stored (2000): B stored since, so it is not stored.
      expect(await store.setPresenceMany([{ id: t, online: false, at: 3500, after: 2000 }])).toEqual([]);
      // Nor an offline of a hub that stored nothing, older than the row.
      expect(await store.setPresenceMany([{ id: t, online: false, at: 2500, after: null }])).toEqual([]);
      expect(await hubB.get(t)).toMatchObject({ online: true, lastSeenAt: new Date(3000).toISOString() });
      // Both hubs read the same presence; it holds PRESENCE_HOLDS_MS without a heartbeat (a hub that died).
      for (const s of [store, hubB]) {
        const row = (await s.get(t))!;
        expect([onlineNow(row, 3000 + PRESENCE_HOLDS_MS - 1), onlineNow(row, 3000 + PRESENCE_HOLDS_MS)]).toEqual([
          true,
          false,
        ]);
        expect(await s.countOnline(2999)).toBe(1);
        expect(await s.countOnline(3000)).toBe(0);
      }
      // B's offline is the last word: it is stored and turns the terminal.
      expect(await hubB.setPresenceMany([{ id: t, online: false, at: 4000, after: 3000 }])).toEqual([
        { id: t, online: false, at: 4000 },
      ]);
      expect(await store.get(t)).toMatchObject({ online: false, lastSeenAt: new Date(4000).toISOString() });
    } finally {
      await other?.end();
    }
  });

  it('keeps the last report per terminal, refuses a whole batch with an unknown terminal, and shows the fleet', async () => {
    const { householdId, codeId } = await withCode();
    const id = await enroll({ householdId, codeId });
    const report = { terminalId: id, appVersion: '1.0.0', protocolVersion: 3, address: '192.0.2.1', at: 100 };
    await store.saveReports([report]);
    await store.saveReports([{ ...report, appVersion: null, address: '192.0.2.2', at: 200 }]);
    const other = await enroll(await withCode());
    await expect(
      store.saveReports([
        { ...report, terminalId: other, at: 300 },
        { ...report, terminalId: 999_999 },
      ]),
    ).rejects.toBeDefined();
    expect(await db.query('SELECT terminal_id FROM terminal_reports WHERE terminal_id = ?', [other])).toEqual([]);

    // As the check-in writer stores them: the check-in and its sign of life, with the same time. The
    // last check-in is the latest sign of that kind; a later call is not one.
    for (const [key, at] of [
      ['k', 400],
      ['k0', 300],
    ] as const) {
      await db.query(
        'INSERT INTO checkins (household_id, terminal_id, idempotency_key, at, pressed_at, received_at) VALUES (?, ?, ?, ?, ?, ?)',
        [householdId, id, key, at, at, at],
      );
      await db.query(
        "INSERT INTO signs_of_life (household_id, kind, at, checkin_id) SELECT ?, 'checkin', ?, id FROM checkins WHERE idempotency_key = ?",
        [householdId, at, key],
      );
    }
    await db.query("INSERT INTO signs_of_life (household_id, kind, at) VALUES (?, 'call', 500)", [householdId]);
    const row = (await store.fleet()).find((t) => t.id === id)!;
    expect(row).toMatchObject({
      householdId,
      householdName: 'h',
      appVersion: null,
      protocolVersion: 3,
      address: '192.0.2.2',
      revoked: false,
      lastCheckinAt: new Date(400).toISOString(),
      volumeTest: null,
    });
  });

  it('answers a volume test once, only from its own terminal, and keeps heard and answered together', async () => {
    const id = await enroll(await withCode());
    const other = await enroll(await withCode());
    const test = await store.createVolumeTest(id, 'sato', 1000);
    expect(test).toEqual({ id: test.id, requestedAt: new Date(1000).toISOString(), heard: null, answeredAt: null });
    expect(await store.answerVolumeTest(test.id, other, true, 2000)).toBeNull();
    expect(await store.answerVolumeTest(test.id, id, false, 2000)).toEqual({
      ...test,
      heard: false,
      answeredAt: new Date(2000).toISOString(),
    });
    expect(await store.answerVolumeTest(test.id, id, true, 3000)).toBeNull();
    expect((await store.fleet()).find((t) => t.id === id)!.volumeTest).toMatchObject({ id: test.id, heard: false });
    await expect(
      db.query(
        'INSERT INTO terminal_volume_tests (terminal_id, requested_by, requested_at, heard) VALUES (?, ?, 1, 1)',
        [id, 'x'],
      ),
    ).rejects.toMatchObject(refused(CHECK));
  });

  it('commits presence without waiting for the disk, and only that unit of work', async () => {
    const sql = engineSql(db);
    const setting = (tx: typeof sql): Promise<number | string> =>
      tx.engine === 'sqlite'
        ? tx.get<{ synchronous: number }>('PRAGMA synchronous').then((r) => Number(r!.synchronous))
        : tx.get<{ s: string }>("SELECT current_setting('synchronous_commit') AS s").then((r) => r!.s);
    const relaxed = await sql.transaction((tx) => setting(tx), { flush: false });
    const flushed = await sql.transaction((tx) => setting(tx));
    // The test server may run without flushes altogether: a unit of work not asking keeps the server's setting.
    const usual = engine === 'sqlite' ? 2 : await setting(sql);
    expect([relaxed, flushed]).toEqual([engine === 'sqlite' ? 1 : 'off', usual]);
  });

  it('enrols a household while its terminal comes online, neither waiting for the other forever', async () => {
    // The presence batch is paused after its first statement until the enrolment has begun and (on
    // PostgreSQL) waits for a lock or is done; then it goes on. Both must complete. When the batch
    // wrote the terminal's row twice, the second write checked the household's key and waited for the
    // enrolment, which waited for that row: a deadlock (seen once in CI, and here every time).
    const { householdId, codeId } = await withCode();
    const t = await enroll({ householdId, codeId });
    const nextCode = (await store.createCode(code(householdId)))!;
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const presence = createTerminalsStore(pausedAfterFirstWrite(engineSql(db), held, released)).setPresenceMany([
      { id: t, online: true, at: 3000 },
    ]);
    await holding;
    const enrolment = enroll({ householdId, codeId: nextCode }, 3500);
    let settled = false;
    void enrolment.finally(() => (settled = true)).catch(() => undefined);
    if (engine === 'postgres')
      await until(
        async () =>
          settled ||
          (
            await db.query<{ n: number }>(
              "SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
            )
          )[0]!.n > 0,
      );
    release();
    const [, enrolled] = await Promise.all([presence, enrolment]);
    expect(await active(householdId)).toEqual([enrolled]);
  });

  it('tells a code used meanwhile from a database that went away', async () => {
    const { householdId, codeId } = await withCode();
    await enroll({ householdId, codeId });
    await expect(enroll({ householdId, codeId })).rejects.toBeInstanceOf(EnrollmentCodeUsedError);
    if (engine === 'sqlite') return;
    // PostgreSQL: the server out of reach is a storage problem (STORAGE_UNAVAILABLE, retry), not a used code.
    const other = await withCode();
    await db.breakConnection();
    const lost = await enroll(other).catch((err: unknown) => err);
    expect(lost).not.toBeInstanceOf(EnrollmentCodeUsedError);
    expect(storageProblemOf(lost)).toBe('unreachable');
  });
});

/** `sql` whose units of work, after their first statement, tell `held` and wait for `released`. */
function pausedAfterFirstWrite(sql: Sql, held: () => void, released: Promise<void>): Sql {
  const pausing = (tx: Sql): Sql => {
    let paused = false;
    const after = async <T>(result: T) => {
      if (!paused) {
        paused = true;
        held();
        await released;
      }
      return result;
    };
    return {
      ...tx,
      all: async (text, params) => after(await tx.all(text, params)),
      run: async (text, params) => after(await tx.run(text, params)),
    } as Sql;
  };
  return { ...sql, transaction: (work, options) => sql.transaction((tx) => work(pausing(tx)), options) } as Sql;
}
