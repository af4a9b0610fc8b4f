/**
 * The households store on both engines: districts unique by code, a household stored with its
 * residents all or none (an import too), edits of details and residents in one unit of work,
 * closing and reopening once each, watchers once per household (a new level replaces the old),
 * a closed household no longer watched, the terminal shown only while not revoked.
 */
import type { CreateHouseholdBody } from '@tsunagu/protocol';
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { createHouseholdPrivacy } from './privacy';
import { createHouseholdsStore, type HouseholdsStore } from './store';

const UNIQUE = /UNIQUE|unique|duplicate key/;
const CHECK = /CHECK|check constraint/;
const FOREIGN = /FOREIGN KEY|foreign key/;

describe.each(ENGINES)('households store on %s', (engine) => {
  let db: EngineDb;
  let store: HouseholdsStore;
  let district: number;
  let n = 0;
  const body = (extra: Partial<CreateHouseholdBody> = {}): CreateHouseholdBody => ({
    name: `世帯${++n}`,
    address: `三鷹市 ${n}`,
    districtId: district,
    ...extra,
  });
  const watcher = async () =>
    Number(
      (
        await db.query<{ id: number }>(
          "INSERT INTO users (username, display_name, password_hash, role, watcher_kind, created_at) VALUES (?, 'w', 'x', 'watcher', 'family', 0) RETURNING id",
          [`watcher-${++n}`],
        )
      )[0]!.id,
    );

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createHouseholdsStore(engineSql(db));
    district = await store.createDistrict({ code: 'osawa', name: '大沢', nameEn: 'Osawa' });
  });
  afterAll(() => db.close());

  it('keeps districts unique by code', async () => {
    expect(await store.districtExists(district)).toBe(true);
    expect(await store.districtExists(999_999)).toBe(false);
    expect(await store.listDistricts()).toContainEqual({ id: district, code: 'osawa', name: '大沢', nameEn: 'Osawa' });
    await expect(store.createDistrict({ code: 'osawa', name: 'x', nameEn: 'x' })).rejects.toMatchObject(
      refused(UNIQUE),
    );
  });

  it('stores a household with its residents, and reads it back with its flags', async () => {
    const id = await store.create(
      body({
        name: '佐藤 花子',
        kana: 'さとう はなこ',
        phone: '0422-00-0000',
        language: 'en',
        needsAssistance: true,
        assistanceReason: '車いす',
        residents: [{ name: '佐藤 花子', birthYear: 1936 }, { name: '佐藤 一郎' }],
      }),
      5,
    );
    expect(await store.get(id)).toEqual({
      id,
      name: '佐藤 花子',
      kana: 'さとう はなこ',
      address: expect.any(String),
      districtId: district,
      phone: '0422-00-0000',
      language: 'en',
      needsAssistance: true,
      assistanceReason: '車いす',
      notes: '',
      closedAt: null,
      closeReason: '',
      residents: [
        { id: expect.any(Number), name: '佐藤 花子', birthYear: 1936 },
        { id: expect.any(Number), name: '佐藤 一郎', birthYear: null },
      ],
      watcherIds: [],
      terminal: null,
    });
    expect(await store.get(999_999)).toBeUndefined();
    // The database keeps the language and the flag to their values.
    await expect(store.create(body({ language: 'fr' as 'ja' }), 5)).rejects.toMatchObject(refused(CHECK));
  });

  it('stores an import all or none', async () => {
    const before = await store.count();
    const ids = await store.createMany([body(), body()], 7);
    expect(ids).toHaveLength(2);
    expect(await store.count()).toBe(before + 2);
    await expect(store.createMany([body(), body({ districtId: 999_999 })], 7)).rejects.toMatchObject(refused(FOREIGN));
    expect(await store.count()).toBe(before + 2);
  });

  it('edits details and residents in one unit of work, and leaves other households’ residents alone', async () => {
    const id = await store.create(body({ residents: [{ name: 'a' }, { name: 'b' }] }), 5);
    const other = await store.create(body({ residents: [{ name: 'x' }] }), 5);
    const [a, b] = (await store.get(id))!.residents;
    const [x] = (await store.get(other))!.residents;
    await store.update(id, {
      notes: 'メモ',
      needsAssistance: true,
      residents: [{ id: a!.id, name: 'a2', birthYear: 1940 }, { name: 'c' }, { id: x!.id, name: 'stolen' }],
    });
    const h = (await store.get(id))!;
    expect(h).toMatchObject({ notes: 'メモ', needsAssistance: true });
    expect(h.residents.map((r) => [r.name, r.birthYear])).toEqual([
      ['a2', 1940],
      ['c', null],
    ]);
    expect(h.residents.map((r) => r.id)).not.toContain(b!.id);
    expect((await store.get(other))!.residents).toEqual([x]);
    // A refused edit changes nothing, residents included.
    await expect(store.update(id, { districtId: 999_999, residents: [] })).rejects.toMatchObject(refused(FOREIGN));
    expect((await store.get(id))!.residents).toHaveLength(2);
  });

  it('closes and reopens once each; a closed household leaves the lists and its watchers', async () => {
    const id = await store.create(body(), 5);
    const w = await watcher();
    await store.assignWatcher(id, w, 1);
    expect(await store.isWatcherOf(w, id)).toBe(true);
    expect(await store.close(id, { at: 9, by: 'sato', reason: '転出' })).toBe(true);
    expect(await store.close(id, { at: 10, by: 'sato', reason: '転出' })).toBe(false);
    expect(await store.get(id)).toMatchObject({ closedAt: new Date(9).toISOString(), closeReason: '転出' });
    expect(await store.isWatcherOf(w, id)).toBe(false);
    expect((await store.list()).map((h) => h.id)).not.toContain(id);
    expect((await store.list({ includeClosed: true })).map((h) => h.id)).toContain(id);
    expect((await store.list({ watcherUserId: w })).map((h) => h.id)).toEqual([]);
    expect(await store.reopen(id)).toBe(true);
    expect(await store.reopen(id)).toBe(false);
    expect(await store.get(id)).toMatchObject({ closedAt: null, closeReason: '' });
  });

  it('assigns a watcher once per household (a new level replaces the old) and lists by watcher and district', async () => {
    const id = await store.create(body(), 5);
    const [w1, w2] = [await watcher(), await watcher()];
    await store.assignWatcher(id, w2, 2);
    await store.assignWatcher(id, w1, 3);
    await store.assignWatcher(id, w1, 1);
    expect(await store.watchersOf(id)).toEqual([
      { userId: w1, level: 1, watcherKind: 'family' },
      { userId: w2, level: 2, watcherKind: 'family' },
    ]);
    expect((await store.get(id))!.watcherIds).toEqual([w1, w2]);
    expect((await store.list({ watcherUserId: w1 })).map((h) => h.id)).toEqual([id]);
    expect((await store.list({ districtId: district })).map((h) => h.id)).toContain(id);
    expect(await store.watchersInDistrict(district)).toEqual(
      expect.arrayContaining([
        { userId: w1, level: 1, watcherKind: 'family' },
        { userId: w2, level: 2, watcherKind: 'family' },
      ]),
    );
    await expect(store.assignWatcher(id, w1, 4)).rejects.toMatchObject(refused(CHECK));
    expect(await store.unassignWatcher(id, w1)).toBe(true);
    expect(await store.unassignWatcher(id, w1)).toBe(false);
    expect(await store.isWatcherOf(w1, id)).toBe(false);
  });

  it('lists by several conditions at once, and by ids in one statement', async () => {
    const other = await store.createDistrict({ code: `other-${++n}`, name: '東部', nameEn: 'East' });
    const [here, there, closed] = [
      await store.create(body(), 5),
      await store.create(body({ districtId: other }), 5),
      await store.create(body({ districtId: other }), 5),
    ];
    const w = await watcher();
    for (const id of [here, there, closed]) await store.assignWatcher(id, w, 1);
    await store.close(closed, { at: 9, by: 'sato', reason: '転出' });
    const ids = async (filter: Parameters<HouseholdsStore['list']>[0]) => (await store.list(filter)).map((h) => h.id);
    expect(await ids({ watcherUserId: w, districtId: other })).toEqual([there]);
    expect(await ids({ watcherUserId: w, districtId: other, includeClosed: true })).toEqual([there, closed]);
    expect(await ids({ ids: [closed, here, 999_999] })).toEqual([here]);
    expect(await ids({ ids: [closed, here], includeClosed: true })).toEqual([here, closed]);
    expect(await ids({ ids: [] })).toEqual([]);
  });

  it('shows the household’s terminal while it is not revoked', async () => {
    const id = await store.create(body(), 5);
    const [t] = await db.query<{ id: number }>(
      'INSERT INTO terminals (household_id, credential_hash, enrolled_at, online, last_seen_at) VALUES (?, ?, 0, 1, 1000) RETURNING id',
      [id, `cred-${id}`],
    );
    expect((await store.get(id))!.terminal).toEqual({
      id: Number(t!.id),
      online: true,
      lastSeenAt: new Date(1000).toISOString(),
      revoked: false,
    });
    await db.query('UPDATE terminals SET revoked_at = 1 WHERE id = ?', [t!.id]);
    expect((await store.get(id))!.terminal).toBeNull();
  });

  it('exports a household’s personal data, and erases it in one unit of work', async () => {
    const privacy = createHouseholdPrivacy(engineSql(db));
    const id = await store.create(
      body({ phone: '0422-11-1111', notes: '鍵は隣', residents: [{ name: '山田 一' }] }),
      5,
    );
    const w = await watcher();
    await store.assignWatcher(id, w, 1);
    const data = (await privacy.exportAll(id, 1000))!;
    expect(data).toMatchObject({ householdId: id, household: { id, phone: '0422-11-1111', notes: '鍵は隣' } });
    expect(data.residents).toMatchObject([{ household_id: id, name: '山田 一' }]);
    expect(data.watchers).toMatchObject([{ user_id: w, level: 1 }]);
    expect(await privacy.exportAll(999_999, 1000)).toBeUndefined();
    await store.close(id, { at: 9, by: 'sato', reason: '転出' });
    expect(await privacy.erase(id, 2000)).toMatchObject({ householdId: id, residents: 1, watchersRemoved: 1 });
    expect(await store.get(id)).toMatchObject({
      name: '',
      address: '',
      phone: null,
      notes: '',
      residents: [{ name: '' }],
    });
    expect(await store.watchersOf(id)).toEqual([]);
  });
});
