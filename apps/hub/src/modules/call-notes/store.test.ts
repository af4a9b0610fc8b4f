/** The call-notes store on both engines: one note per call, the table's rules, a household's notes newest first. */
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { type CallNotesStore, createCallNotesStore } from './store';

describe.each(ENGINES)('call-notes store on %s', (engine) => {
  let db: EngineDb;
  let store: CallNotesStore;
  let shopId: number;
  let household: number;
  const id = async (sql: string, params: unknown[]) => Number((await db.query<{ id: number }>(sql, params))[0]!.id);
  const newCall = (requestedAt = 1_000) =>
    id(
      "INSERT INTO calls (shop_id, household_id, direction, status, requested_at) VALUES (?, ?, 'inbound', 'ended', ?) RETURNING id",
      [shopId, household, requestedAt],
    );
  const note = (callId: number, extra: Partial<Parameters<CallNotesStore['create']>[0]> = {}) => ({
    callId,
    householdId: household,
    authorId: null, // users are not on every engine yet; a removed author leaves the name
    authorName: '佐藤',
    note: '元気そうでした',
    concern: null,
    writtenAt: 5_000,
    ...extra,
  });

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createCallNotesStore(engineSql(db));
    shopId = await id(
      "INSERT INTO shops (name, category, kind, created_at) VALUES ('傾聴', 'c', 'listening', 0) RETURNING id",
      [],
    );
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    household = await db.newHousehold();
  });

  it('keeps one note per call: a second one is not stored', async () => {
    const callId = await newCall();
    const first = await store.create(note(callId));
    expect(first).toEqual(expect.any(Number));
    expect(await store.create(note(callId, { note: '別の言葉' }))).toBeNull();
    expect(await store.get(first!)).toEqual({
      id: first,
      callId,
      householdId: household,
      householdName: 'h',
      shopId,
      shopName: '傾聴',
      shopKind: 'listening',
      authorName: '佐藤',
      note: '元気そうでした',
      concern: null,
      callAt: 1_000,
      writtenAt: 5_000,
    });
  });

  it('lists a household’s notes newest first, up to the limit', async () => {
    const a = await store.create(note(await newCall(), { writtenAt: 1 }));
    const b = await store.create(note(await newCall(), { writtenAt: 3, concern: 'visit' }));
    const c = await store.create(note(await newCall(), { writtenAt: 2 }));
    expect((await store.forHousehold(household, 10)).map((n) => n.id)).toEqual([b, c, a]);
    expect((await store.forHousehold(household, 1)).map((n) => [n.id, n.concern])).toEqual([[b, 'visit']]);
  });

  it('refuses what the table forbids: a note too long, a concern without words, an unknown concern or call', async () => {
    await expect(store.create(note(await newCall(), { note: 'あ'.repeat(1001) }))).rejects.toMatchObject(
      refused(/CHECK|check constraint/),
    );
    await expect(store.create(note(await newCall(), { note: '  ', concern: 'urgent' }))).rejects.toMatchObject(
      refused(/CHECK|check constraint/),
    );
    await expect(store.create(note(await newCall(), { concern: 'bored' as never }))).rejects.toMatchObject(
      refused(/CHECK|check constraint/),
    );
    await expect(store.create(note(999_999))).rejects.toMatchObject(refused(/FOREIGN KEY|foreign key/));
    expect(await store.forHousehold(household, 10)).toEqual([]);
  });
});
