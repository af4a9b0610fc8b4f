/**
 * The calls store on both engines: group commit (a turn's changes stored together, in order, and
 * acknowledged only once stored; a failed batch refuses everyone in it), reads that see every
 * earlier write, ids unique across stores sharing the database (two hubs), and the table's rules.
 */
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { type CallsStore, createCall, createCallsStore } from './store';

describe.each(ENGINES)('calls store on %s', (engine) => {
  let db: EngineDb;
  let store: CallsStore;
  let shopId: number;
  let household: number;
  const inbound = (extra: Partial<Parameters<CallsStore['create']>[0]> = {}) => ({
    shopId,
    householdId: household,
    terminalId: null,
    direction: 'inbound' as const,
    status: 'waiting' as const,
    operatorId: null,
    callbackOf: null,
    now: 1_000,
    ...extra,
  });
  const rows = (id: number) =>
    db.query<{ status: string; answered_at: number | null; ended_at: number | null; end_reason: string | null }>(
      'SELECT status, answered_at, ended_at, end_reason FROM calls WHERE id = ?',
      [id],
    );

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createCallsStore(engineSql(db));
    const [shop] = await db.query<{ id: number }>(
      "INSERT INTO shops (name, category, kind, created_at) VALUES ('s', 'c', 'shop', 0) RETURNING id",
    );
    shopId = Number(shop!.id);
    // Operators are users (a reference once users is on PostgreSQL too).
    const users =
      engine === 'sqlite' ||
      (await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'users'")).length > 0;
    if (users)
      for (const id of [3, 4, 7])
        await db.query(
          "INSERT INTO users (id, username, display_name, password_hash, role, created_at) VALUES (?, ?, 'u', 'x', 'listener', 0)",
          [id, `listener${id}`],
        );
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    household = await db.newHousehold();
  });

  it('stores a turn’s changes in order, seen by another connection once acknowledged', async () => {
    const call = await createCall(store, inbound());
    store.setStatus(call.id, 'connected', { answeredAt: 2_000, operatorId: 7 });
    store.setStatus(call.id, 'ended', { endedAt: 3_000, endReason: 'hung_up_by_resident' });
    await store.committed();
    const other = await db.otherConnection();
    try {
      expect(
        await other.query('SELECT status, operator_id, answered_at, ended_at FROM calls WHERE id = ?', [call.id]),
      ).toEqual([{ status: 'ended', operator_id: 7, answered_at: 2_000, ended_at: 3_000 }]);
    } finally {
      await other.close();
    }
  });

  it('keeps what an earlier change set when a later one leaves it out', async () => {
    const call = await createCall(store, inbound());
    store.setStatus(call.id, 'callback_requested', { callbackRequestedAt: 1_500 });
    store.setStatus(call.id, 'ringing_terminal', { operatorId: 3, terminalId: undefined });
    store.setStatus(call.id, 'connected', { answeredAt: 2_000 });
    expect(await store.get(call.id)).toMatchObject({
      status: 'connected',
      callbackRequestedAt: 1_500,
      operatorId: 3,
      answeredAt: 2_000,
      endedAt: null,
    });
  });

  it('reads see every write made before them (pending changes are stored first)', async () => {
    const call = await createCall(store, inbound());
    expect(await store.get(call.id)).toMatchObject({ id: call.id, status: 'waiting', requestedAt: 1_000 });
    store.setStatus(call.id, 'abandoned', { endedAt: 1_200, endReason: 'cancelled' });
    expect(await store.list({ householdId: household, limit: 10 })).toEqual([
      expect.objectContaining({ id: call.id, status: 'abandoned', endReason: 'cancelled' }),
    ]);
  });

  it('gives ids no other store on the same database gives (two hubs), before any row is written', async () => {
    const second = createCallsStore(engineSql(db));
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await createCall(store, inbound())).id, (await createCall(second, inbound())).id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    await Promise.all([store.committed(), second.committed()]);
    const stored = await db.query<{ n: number }>('SELECT count(*) AS n FROM calls WHERE household_id = ?', [household]);
    expect(Number(stored[0]!.n)).toBe(ids.length);
  });

  it('lists open calls in order of arrival, and past outcomes for the queue figures', async () => {
    const waiting = await createCall(store, inbound({ now: 10_000 }));
    const answered = await createCall(store, inbound({ now: 11_000 }));
    const left = await createCall(store, inbound({ now: 12_000 }));
    const outbound = await createCall(
      store,
      inbound({ now: 13_000, direction: 'outbound', status: 'ringing_terminal' }),
    );
    store.setStatus(answered.id, 'ended', { answeredAt: 11_500, endedAt: 14_000, operatorId: 4 });
    store.setStatus(left.id, 'abandoned', { endedAt: 12_500 });
    const open = (await store.open()).filter((c) => c.householdId === household);
    expect(open.map((c) => c.id)).toEqual([waiting.id, outbound.id]);
    const history = (await store.history(10_000)).filter((h) =>
      [waiting.id, answered.id, left.id, outbound.id].includes(h.callId),
    );
    expect(history.sort((a, b) => a.callId - b.callId)).toEqual([
      {
        queueId: shopId,
        callId: answered.id,
        enqueuedAt: 11_000,
        answeredAt: 11_500,
        abandonedAt: null,
        operatorId: 4,
        handleMs: 2_500,
      },
      {
        queueId: shopId,
        callId: left.id,
        enqueuedAt: 12_000,
        answeredAt: null,
        abandonedAt: 12_500,
        operatorId: null,
        handleMs: null,
      },
    ]);
    expect(await store.lastOperator(household, shopId)).toBe(4);
    expect(await store.list({ shopId, householdId: household, limit: 2 })).toEqual([
      expect.objectContaining({ id: outbound.id }),
      expect.objectContaining({ id: left.id }),
    ]);
  });

  it('refuses a change the table forbids, and everyone in that batch is refused with it', async () => {
    const call = await createCall(store, inbound({ now: 5_000 }));
    await store.committed();
    const good = await createCall(store, inbound({ now: 5_000 }));
    const mine = store.committed();
    // Answered before it was asked for: the CHECK refuses it, and the whole batch is rolled back.
    store.setStatus(call.id, 'connected', { answeredAt: 1 });
    await expect(mine).rejects.toMatchObject(refused(/CHECK|check constraint/));
    expect(await rows(call.id)).toEqual([{ status: 'waiting', answered_at: null, ended_at: null, end_reason: null }]);
    expect(await rows(good.id)).toEqual([]);
    // The next batch goes on.
    store.setStatus(call.id, 'ended', { endedAt: 6_000, endReason: 'cancelled' });
    await store.committed();
    expect(await rows(call.id)).toEqual([
      { status: 'ended', answered_at: null, ended_at: 6_000, end_reason: 'cancelled' },
    ]);
  });

  it('refuses a call for a shop or household that does not exist', async () => {
    await createCall(store, inbound({ shopId: 999_999 }));
    await expect(store.committed()).rejects.toMatchObject(refused(/FOREIGN KEY|foreign key/));
  });

  it('stores nothing and settles at once when nothing is pending', async () => {
    await expect(store.commit()).resolves.toBeUndefined();
    await expect(store.committed()).resolves.toBeUndefined();
  });

  it('waits for the disk only for a batch with a callback request (the rest is a live call’s state)', async () => {
    const sql = engineSql(db);
    const flushes: (boolean | undefined)[] = [];
    const spied = createCallsStore({
      ...sql,
      transaction: (work, options) => {
        flushes.push(options?.flush);
        return sql.transaction(work, options);
      },
    });
    const call = await createCall(spied, inbound());
    spied.setStatus(call.id, 'connected', { answeredAt: 2_000, operatorId: 7 });
    await spied.committed();
    spied.setStatus(call.id, 'callback_requested', { callbackRequestedAt: 2_500 });
    await spied.committed();
    spied.setStatus(call.id, 'ended', { endedAt: 3_000, endReason: 'hung_up_by_resident' });
    await spied.committed();
    expect(flushes).toEqual([false, true, false]);
    expect((await rows(call.id))[0]).toMatchObject({ status: 'ended', ended_at: 3_000 });
  });
});
