/**
 * The watch's stores on both engines: alerts (one missed check-in per day, each state change once),
 * safety follow-ups and plan tests (one running per household), check-in plans, signs of life and
 * the ledger of steps, and a unit of work over both stores (all or nothing).
 */
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { defaultPlan } from '../checkins/plan';
import { type CheckinReads, createCheckinReads } from '../checkins/store';
import { createWatchStore, type NewAlert, type WatchStore } from './store';

const UNIQUE = /UNIQUE|unique|duplicate key/;

describe.each(ENGINES)('watch stores on %s', (engine) => {
  let db: EngineDb;
  let alerts: WatchStore;
  let checkins: CheckinReads;
  let household: number;
  const missed = (day: string, extra: Partial<NewAlert> = {}): NewAlert => ({
    kind: 'missed_checkin',
    householdId: household,
    districtId: 1,
    day,
    sinceAt: 0,
    level: 0,
    openedAt: 1000,
    nextStepAt: 5000,
    possibleOutage: false,
    ...extra,
  });
  const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: number }>(sql, params))[0]!.n);

  beforeAll(async () => {
    db = await openEngine(engine);
    alerts = createWatchStore(engineSql(db));
    checkins = createCheckinReads(engineSql(db));
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    household = await db.newHousehold();
  });

  it('opens one missed-check-in alert per household and day, with its opened event', async () => {
    const id = await alerts.create(missed('2026-01-05'), { deadline: 'x' });
    expect(id).toEqual(expect.any(Number));
    expect(await alerts.create(missed('2026-01-05'))).toBeNull();
    expect(await alerts.create(missed('2026-01-06'))).toEqual(expect.any(Number));
    expect(await alerts.get(id!)).toMatchObject({
      kind: 'missed_checkin',
      householdId: household,
      householdName: 'h',
      state: 'open',
      possibleOutage: false,
      planTestId: null,
    });
    expect(await alerts.events(id!)).toEqual([
      {
        id: expect.any(Number),
        alertId: id,
        at: 1000,
        type: 'opened',
        actor: 'system',
        level: 0,
        detail: { kind: 'missed_checkin', deadline: 'x' },
      },
    ]);
    expect([...(await alerts.missedByDay(household, '2026-01-01', '2026-01-05')).keys()]).toEqual(['2026-01-05']);
  });

  it('acknowledges, escalates and resolves each only once, and keeps its constraints', async () => {
    const id = (await alerts.create(missed('2026-01-05')))!;
    expect(await alerts.dueEscalations(4999)).not.toContainEqual(expect.objectContaining({ id }));
    expect((await alerts.dueEscalations(5000)).map((a) => a.id)).toContain(id);
    expect(await alerts.nextEscalationAt()).toEqual(expect.any(Number));
    await alerts.escalate(id, 1, 9000);
    expect(await alerts.get(id)).toMatchObject({ level: 1, nextStepAt: 9000 });
    expect(await alerts.acknowledge(id, 6000, 'user:1:a')).toBe(true);
    expect(await alerts.acknowledge(id, 6001, 'user:2:b')).toBe(false);
    expect(await alerts.markPossibleOutage(id)).toBe(true);
    expect(await alerts.markPossibleOutage(id)).toBe(false);
    expect(await alerts.resolve(id, 7000, 'user:1:a', 'phoned_fine', 'fine')).toBe(true);
    expect(await alerts.resolve(id, 7001, 'user:1:a', 'other', '')).toBe(false);
    expect(await alerts.get(id)).toMatchObject({
      state: 'resolved',
      acknowledgedBy: 'user:1:a',
      resolvedAt: 7000,
      outcome: 'phoned_fine',
      nextStepAt: null,
      possibleOutage: true,
    });
    expect(await alerts.activeForHousehold(household)).toEqual([]);
    await expect(
      db.query("UPDATE watch_alerts SET state = 'resolved', resolved_at = NULL WHERE id = ?", [id]),
    ).rejects.toMatchObject(refused(/CHECK|check/));
    await expect(alerts.create(missed('2026-01-07', { kind: 'unknown' as never }))).rejects.toMatchObject(
      refused(/CHECK|check/),
    );
  });

  it('says whether a sign of life at a moment could close an open missed check-in or call', async () => {
    expect(await alerts.hasClosableMissed(household, 10_000)).toBe(false);
    const id = (await alerts.create(missed('2026-01-05', { sinceAt: 5000 })))!;
    expect(await alerts.hasClosableMissed(household, 4999)).toBe(false); // before it was missed
    expect(await alerts.hasClosableMissed(household, 5000)).toBe(true);
    expect(await alerts.hasClosableMissed(household + 1, 5000)).toBe(false);
    await alerts.acknowledge(id, 6000, 'user:1:a');
    expect(await alerts.hasClosableMissed(household, 6000)).toBe(true); // acknowledged, still open
    await alerts.resolve(id, 7000, 'user:1:a', 'phoned_fine', '');
    expect(await alerts.hasClosableMissed(household, 8000)).toBe(false);
    // Other kinds are not closed by a sign of life.
    await alerts.create(missed('2026-01-06', { kind: 'concern', day: null, sinceAt: null }));
    expect(await alerts.hasClosableMissed(household, 9000)).toBe(false);
    await alerts.create(missed('2026-01-06', { kind: 'missed_call', day: null, sinceAt: null }));
    expect(await alerts.hasClosableMissed(household, 9000)).toBe(true);
  });

  it('lists by state and household, newest first, and finds district outages', async () => {
    const a = (await alerts.create(missed('2026-01-05')))!;
    const b = (await alerts.create({ ...missed('x'), kind: 'concern', day: null, openedAt: 2000 }))!;
    await alerts.resolve(a, 3000, 'system', 'all_clear', '');
    const outage = (await alerts.create({ ...missed('y'), kind: 'district_outage', householdId: null, day: null }))!;
    const ids = (f: Parameters<WatchStore['list']>[0]) => alerts.list(f).then((l) => l.map((x) => x.id));
    expect(await ids({ states: ['open'], householdId: household, limit: 10 })).toEqual([b]);
    expect(await ids({ states: [], householdId: household, limit: 10 })).toEqual([b, a]);
    expect(await ids({ states: ['open'], householdIds: [household], districtIds: [1], limit: 10 })).toEqual(
      expect.arrayContaining([b, outage]),
    );
    expect(await ids({ states: ['open'], householdIds: [], districtIds: [], limit: 10 })).toEqual([]);
    expect((await alerts.activeDistrictOutage(1))?.id).toBe(outage);
    expect((await alerts.activeDistrictOutages()).map((x) => x.id)).toContain(outage);
    await alerts.resolve(outage, 4000, 'system', 'back_online', '');
  });

  it('keeps a safety follow-up once and runs one plan test per household at a time', async () => {
    const announcement = Number(
      (
        await db.query<{ id: number }>(
          `INSERT INTO announcements (kind, test, title_ja, body_ja, target, status, created_by, created_at, updated_at)
           VALUES ('routine', 0, 't', 'b', '{"type":"all"}', 'published', 'x', 0, 0) RETURNING id`,
        )
      )[0]!.id,
    );
    await alerts.addSafetyFollowup(announcement, 100);
    await alerts.addSafetyFollowup(announcement, 999);
    expect(await alerts.dueSafetyFollowups(100)).toContain(announcement);
    await alerts.safetyFollowupDone(announcement, 150);
    expect(await alerts.dueSafetyFollowups(100)).not.toContain(announcement);

    const test = { householdId: household, startedBy: 'user:1:a', startedAt: 10, stepMinutes: 1, deadlineAt: 70 };
    const first = await alerts.startPlanTest(test);
    await expect(alerts.startPlanTest(test)).rejects.toMatchObject(refused(UNIQUE));
    const alertId = (await alerts.create({ ...missed('z'), day: null }))!;
    await alerts.planTestDeadlineDone(first, alertId);
    expect(await alerts.get(alertId)).toMatchObject({ planTestId: first });
    expect(await alerts.endPlanTest(first, 80, 'user:1:a', 'cancelled')).toBe(true);
    expect(await alerts.endPlanTest(first, 81, 'user:1:a', 'resolved')).toBe(false);
    const second = await alerts.startPlanTest({ ...test, startedAt: 90 });
    expect((await alerts.latestPlanTest(household))?.id).toBe(second);
    expect((await alerts.runningPlanTests()).map((t) => t.id)).toContain(second);
    expect(await alerts.planTest(first)).toMatchObject({ deadlineDone: true, alertId, endReason: 'cancelled' });
  });

  it('saves, reads and resets check-in plans; records signs of life and each step once', async () => {
    const plan = { ...defaultPlan(household), reminderMinutes: [60, 15], updatedAt: 5 };
    await checkins.savePlan(plan, 'clerk');
    await checkins.savePlan({ ...plan, graceMinutes: 45 }, 'clerk');
    expect(await checkins.getPlan(household)).toEqual({ ...plan, graceMinutes: 45, isDefault: false });
    expect((await checkins.listPlans()).map((p) => p.householdId)).toContain(household);
    await expect(checkins.savePlan({ ...plan, deadline: 2000 }, 'clerk')).rejects.toMatchObject(refused(/CHECK|check/));
    expect(await checkins.deletePlan(household)).toBe(true);
    expect(await checkins.deletePlan(household)).toBe(false);

    await checkins.recordSign(household, 'call', 100);
    await checkins.recordSign(household, 'order_confirmed', 200);
    expect(await checkins.firstSign(household, 0, 1000, ['order_confirmed', 'checkin'])).toEqual({
      kind: 'order_confirmed',
      at: 200,
      checkinId: null,
      mood: null,
    });
    expect(await checkins.firstSign(household, 0, 200, ['order_confirmed'])).toBeUndefined();
    expect((await checkins.signs(household, 0, 1000)).map((s) => s.kind)).toEqual(['call', 'order_confirmed']);
    expect(await checkins.markStep(household, '2026-01-05', 'deadline', 1)).toBe(true);
    expect(await checkins.markStep(household, '2026-01-05', 'deadline', 2)).toBe(false);

    expect(await checkins.watchedHousehold(household)).toBeUndefined();
    await db.query('INSERT INTO terminals (household_id, credential_hash, enrolled_at, online) VALUES (?, ?, 50, 1)', [
      household,
      `hash-${household}`,
    ]);
    expect(await checkins.watchedHousehold(household)).toMatchObject({
      householdId: household,
      online: true,
      enrolledAt: 50,
    });
    expect((await checkins.watchedHouseholds()).map((w) => w.householdId)).toContain(household);
  });

  it('a unit of work writes both stores or neither, and others see it only once committed', async () => {
    const sql = engineSql(db);
    const other = await db.otherConnection();
    const seen = () => other.query('SELECT 1 FROM checkin_steps WHERE household_id = ?', [household]);
    await expect(
      sql.transaction(async (tx) => {
        await createCheckinReads(tx).markStep(household, 'd', 'deadline', 1);
        await createWatchStore(tx).create(missed('2026-01-05'));
        throw new Error('the tick failed');
      }),
    ).rejects.toThrow('the tick failed');
    expect(await count('SELECT COUNT(*) AS n FROM checkin_steps WHERE household_id = ?', [household])).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM watch_alerts WHERE household_id = ?', [household])).toBe(0);

    let inside = -1;
    const id = await sql.transaction(async (tx) => {
      await createCheckinReads(tx).markStep(household, 'd', 'deadline', 1);
      if (engine === 'postgres') inside = (await seen()).length;
      return createWatchStore(tx).create(missed('2026-01-05'));
    });
    if (engine === 'postgres') expect(inside).toBe(0);
    expect((await seen()).length).toBe(1);
    expect(await alerts.events(id!)).toHaveLength(1);
    await other.close();
  });
});
