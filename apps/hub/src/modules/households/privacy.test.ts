/**
 * 本人からの開示・削除請求 (issue 11, ISMS): an administrator exports everything the hub holds about
 * one household, and erases a closed household's personal data while its statistics stay; both are
 * audited with ids only, and nobody else may do either.
 */
import type { AuditEntry, Household, HouseholdErasure, HouseholdExport } from '@tsunagu/protocol';
import { FakeClock } from '../../lib/clock';
import { type StaffSession, type TestHub, withHub } from '../../testing/harness';
import { householdsTold } from '../../testing/test-engine';

jest.setTimeout(30_000);

describe('per-household export and erasure', () => {
  let hub: TestHub;
  let admin: StaffSession;
  let cityhall: StaffSession;
  withHub(
    'all',
    async (made) => {
      hub = made;
      admin = await hub.login('admin');
      cityhall = await hub.login('cityhall');
    },
    { clock: new FakeClock(Date.parse('2026-04-01T00:00:00Z')) },
  );

  const call = (who: StaffSession, method: 'GET' | 'POST', url: string, payload?: object) =>
    hub.as(who)({ method, url, ...(payload ? { payload } : {}) });

  it('only administrators export or erase; unknown households are 404', async () => {
    const h = hub.fixture.households[0]!;
    for (const who of [cityhall, await hub.login('watcher'), await hub.login('operator')]) {
      expect((await call(who, 'GET', `/api/households/${h}/export`)).statusCode).toBe(403);
      expect((await call(who, 'POST', `/api/households/${h}/erase`)).statusCode).toBe(403);
    }
    expect((await call(admin, 'GET', '/api/households/999999/export')).json()).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    expect((await call(admin, 'POST', '/api/households/999999/erase')).statusCode).toBe(404);
  });

  it('exports everything about one household, audited and recorded as a read', async () => {
    const h = hub.fixture.households[1]!;
    const other = hub.fixture.households[2]!;
    const now = hub.ctx.clock.now();
    const addCheckin = (household: number, key: string) =>
      hub.ctx.sql.run(
        'INSERT INTO checkins (household_id, idempotency_key, at, pressed_at, received_at) VALUES (?, ?, ?, ?, ?)',
        [household, key, now, now, now],
      );
    await addCheckin(h, 'k1');
    await addCheckin(other, 'k2');
    const res = await call(admin, 'GET', `/api/households/${h}/export`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as HouseholdExport;
    const record = (await call(admin, 'GET', `/api/households/${h}`)).json() as Household;
    expect(body.household).toMatchObject({ id: h, name: record.name, address: record.address });
    expect(body.residents.map((r) => r.name)).toEqual(record.residents.map((r) => r.name));
    expect(body.checkins).toHaveLength(1);
    expect(body.checkins[0]).toMatchObject({ household_id: h, idempotency_key: 'k1' });
    expect(body.dataReads.map((r) => r.what)).toEqual([]);
    const audit = (await call(admin, 'GET', '/api/audit?limit=5')).json() as { entries: AuditEntry[] };
    expect(JSON.stringify(audit)).toContain('household.exported');
    const csv = await call(admin, 'GET', `/api/households/${h}/export.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body).toContain('区分,番号,項目,値');
    expect(csv.body).toContain(`household,1,name,${record.name}`);
    expect(csv.body).toContain('checkins,1,idempotency_key,k1');
    expect((await call(cityhall, 'GET', `/api/households/${h}/export.csv`)).statusCode).toBe(403);
    const reads = (await call(admin, 'GET', `/api/households/${h}/reads`)).json() as { reads: { what: string }[] };
    expect(reads.reads.map((r) => r.what)).toContain('export');
  });

  it('erases a closed household only: names, address, phone and notes go, statistics stay', async () => {
    const h = hub.fixture.households[1]!;
    const before = (await call(admin, 'GET', `/api/households/${h}`)).json() as Household;
    const open = await call(admin, 'POST', `/api/households/${h}/erase`);
    expect(open.statusCode).toBe(409);
    expect(open.json()).toMatchObject({ error: { code: 'HOUSEHOLD_OPEN' } });
    expect((await call(cityhall, 'POST', `/api/households/${h}/close`, { reason: '転出' })).statusCode).toBe(200);
    // A note written after a call, and a planned listening call (issue 16).
    const sql = hub.ctx.sql;
    const { id: callId } = (await sql.get<{ id: number }>(
      "INSERT INTO calls (shop_id, household_id, direction, status, requested_at, answered_at, ended_at) VALUES (?, ?, 'inbound', 'ended', 0, 1, 2) RETURNING id",
      [hub.fixture.listeningId, h],
    ))!;
    await sql.run(
      "INSERT INTO call_notes (call_id, household_id, author_name, note, concern, written_at) VALUES (?, ?, 'listener', '咳が続いている', 'visit', 3)",
      [callId, h],
    );
    await sql.run(
      "INSERT INTO call_schedules (household_id, shop_id, weekdays, minutes, created_by, created_at, updated_at) VALUES (?, ?, 4, 600, 'x', 0, 0)",
      [h, hub.fixture.listeningId],
    );
    const exported = (await call(admin, 'GET', `/api/households/${h}/export`)).json() as HouseholdExport;
    expect(exported.callNotes.map((n) => n.note)).toEqual(['咳が続いている']);
    expect(exported.callSchedules).toHaveLength(1);

    // Copies of the name kept in memory (the calls' views) are told to forget it.
    const changed: (number | null)[] = [];
    hub.ctx.events.on('household.changed', (e) => changed.push(e.householdId));
    const res = await call(admin, 'POST', `/api/households/${h}/erase`);
    expect(res.statusCode).toBe(200);
    expect(householdsTold(changed)).toEqual([h]);
    expect(res.json() as HouseholdErasure).toMatchObject({ householdId: h, residents: before.residents.length });
    const after = (await call(admin, 'GET', `/api/households/${h}/export`)).json() as HouseholdExport;
    expect(after.household).toMatchObject({ name: '', address: '', phone: null, notes: '', close_reason: '' });
    expect(after.residents.every((r) => r.name === '')).toBe(true);
    expect(after.watchers).toEqual([]);
    expect(after.checkins).toHaveLength(1);
    expect([after.callNotes, after.callSchedules, after.calls.length]).toEqual([[], [], 1]);
    // The append-only audit log keeps ids only: no name of the erased household anywhere in it.
    const log = JSON.stringify(await hub.ctx.sql.all("SELECT * FROM audit_log WHERE action = 'household.erased'"));
    expect(log).toContain(`household:${h}`);
    expect(log).not.toContain(before.name);
    for (const r of before.residents) expect(log).not.toContain(r.name);
  });
});
