/**
 * The planned-calls store on both engines: one planned call per plan and due time however often
 * (and on however many hubs) the scheduler ticks, each state change once, plans by line, closed
 * households left out, and a unit of work that stores all of a tick or nothing.
 */
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { createScheduledCallsStore, type ScheduledCallsStore } from './store';

describe.each(ENGINES)('planned-calls store on %s', (engine) => {
  let db: EngineDb;
  let store: ScheduledCallsStore;
  let line: number;
  let otherLine: number;
  let household: number;
  const newShop = async (name: string) =>
    Number(
      (
        await db.query<{ id: number }>(
          "INSERT INTO shops (name, category, kind, created_at) VALUES (?, 'c', 'listening', 0) RETURNING id",
          [name],
        )
      )[0]!.id,
    );
  const plan = (shopId = line, extra: Partial<Parameters<ScheduledCallsStore['create']>[0]> = {}) =>
    store.create({
      householdId: household,
      shopId,
      weekdays: 4,
      minutes: 600,
      note: '火曜',
      createdBy: 'user:1',
      now: 100,
      ...extra,
    });

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createScheduledCallsStore(engineSql(db));
    line = await newShop('傾聴A');
    otherLine = await newShop('傾聴B');
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    household = await db.newHousehold();
  });

  it('offers one planned call per plan and due time, whoever ticks', async () => {
    const id = await plan();
    const other = createScheduledCallsStore(engineSql(db)); // a second hub on the same database
    const first = await store.addCall(id, 5_000, 'due', 200);
    expect(first).toEqual(expect.any(Number));
    expect(await other.addCall(id, 5_000, 'due', 300)).toBeNull();
    expect(await store.addCall(id, 5_000, 'lapsed', 400)).toBeNull();
    expect(await store.call(first!)).toEqual({
      id: first,
      scheduleId: id,
      householdId: household,
      householdName: 'h',
      shopId: line,
      dueAt: 5_000,
      state: 'due',
      callId: null,
      note: '火曜',
    });
    expect(await store.latestOf(id)).toMatchObject({ id: first });
  });

  it('changes a state once when asked to from a given state', async () => {
    const id = await store.addCall(await plan(), 6_000, 'due', 200);
    const [a, b] = await Promise.all([
      store.setState(id!, 'ringing', 300, { from: 'due' }),
      store.setState(id!, 'lapsed', 300, { from: 'due' }),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const won = a ? 'ringing' : 'lapsed';
    expect(await store.call(id!)).toMatchObject({ state: won });
    expect(await store.setState(id!, 'answered', 400, { from: 'due' })).toBe(false);
    // Without `from` it is set whatever the state; a call once given stays unless replaced.
    const [call] = await db.query<{ id: number }>(
      "INSERT INTO calls (shop_id, household_id, direction, status, requested_at) VALUES (?, ?, 'outbound', 'ended', 0) RETURNING id",
      [line, household],
    );
    expect(await store.setState(id!, 'ringing', 500, { callId: Number(call!.id) })).toBe(true);
    expect(await store.setState(id!, 'answered', 600)).toBe(true);
    expect(await store.byCallId(Number(call!.id))).toMatchObject({ id, state: 'answered', callId: Number(call!.id) });
  });

  it('lists plans by line and leaves out closed households; open calls in order of due time', async () => {
    const mine = await plan(line);
    const theirs = await plan(otherLine, { minutes: 540 });
    const ids = async (shopIds: number[] | null) =>
      (await store.list({ shopIds, householdId: household })).map((s) => s.id);
    expect(await ids([line])).toEqual([mine]);
    expect(await ids([line, otherLine])).toEqual([theirs, mine]);
    expect(await ids([])).toEqual([]);
    const late = await store.addCall(mine, 9_000, 'due', 1);
    const early = await store.addCall(theirs, 8_000, 'due', 1);
    await store.addCall(mine, 7_000, 'answered', 1);
    const open = (await store.open(null)).filter((c) => c.householdId === household).map((c) => c.id);
    expect(open).toEqual([early, late]);
    expect((await store.open([line])).filter((c) => c.householdId === household).map((c) => c.id)).toEqual([late]);
    await db.query('UPDATE households SET closed_at = 1 WHERE id = ?', [household]);
    expect(await ids(null)).toEqual([]);
    expect((await store.open(null)).filter((c) => c.householdId === household)).toEqual([]);
  });

  it('updates and removes a plan (its planned calls go with it)', async () => {
    const id = await plan();
    await store.addCall(id, 5_000, 'due', 1);
    await store.update(id, { weekdays: 127, minutes: 0, note: '毎日', now: 900 });
    expect(await store.get(id)).toMatchObject({ weekdays: 127, minutes: 0, note: '毎日', updatedAt: 900 });
    expect(await store.remove(id)).toBe(true);
    expect(await store.remove(id)).toBe(false);
    expect(await store.get(id)).toBeUndefined();
    expect(await db.query('SELECT id FROM scheduled_calls WHERE schedule_id = ?', [id])).toEqual([]);
  });

  it('refuses what the table forbids', async () => {
    await expect(plan(line, { weekdays: 0 })).rejects.toMatchObject(refused(/CHECK|check constraint/));
    await expect(plan(line, { minutes: 1440 })).rejects.toMatchObject(refused(/CHECK|check constraint/));
    await expect(store.addCall(await plan(), 1, 'pending' as never, 1)).rejects.toMatchObject(
      refused(/CHECK|check constraint/),
    );
  });

  it('stores all of a tick or nothing (a unit of work)', async () => {
    const id = await plan();
    const sql = engineSql(db);
    await expect(
      sql.transaction(async (tx) => {
        const inTick = createScheduledCallsStore(tx);
        await inTick.addCall(id, 1_000, 'due', 1);
        await inTick.addCall(id, 2_000, 'bad' as never, 1);
      }),
    ).rejects.toMatchObject(refused(/CHECK|check constraint/));
    expect(await store.latestOf(id)).toBeUndefined();
  });
});
