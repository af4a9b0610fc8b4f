/**
 * The watchers store on both engines: the list with each watcher's open households and levels, a
 * pending invitation's expiry, a new invitation retiring the earlier ones (also two at once for one
 * user, on two connections), an invitation used once however many ask at once.
 */
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { createWatchersStore, type WatchersStore } from './store';

describe.each(ENGINES)('watchers store on %s', (engine) => {
  let db: EngineDb;
  let store: WatchersStore;
  let n = 0;
  const newWatcher = async (displayName = `watcher ${n + 1}`, disabled = 0) =>
    Number(
      (
        await db.query<{ id: number }>(
          `INSERT INTO users (username, display_name, password_hash, role, watcher_kind, disabled, created_at)
           VALUES (?, ?, 'x', 'watcher', 'family', ?, 0) RETURNING id`,
          [`w${++n}`, displayName, disabled],
        )
      )[0]!.id,
    );
  const invitation = (userId: number, now = 1000, expiresAt = 10_000) => ({
    userId,
    codeHash: `code-${++n}`,
    createdBy: 'test',
    now,
    expiresAt,
  });
  const pending = async (userId: number, now: number) =>
    (
      await db.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM watcher_invitations WHERE user_id = ? AND used_at IS NULL AND expires_at > ?',
        [userId, now],
      )
    ).map((r) => Number(r.n))[0];

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createWatchersStore(engineSql(db));
  });
  afterAll(() => db.close());

  it('lists watchers with the open households they watch, by level, and nobody else', async () => {
    const a = await newWatcher('Aoki');
    const b = await newWatcher('Baba', 1);
    await db.query(
      "INSERT INTO users (username, display_name, password_hash, role, created_at) VALUES ('clerk', 'Clerk', 'x', 'cityhall', 0)",
    );
    const h1 = await db.newHousehold();
    const h2 = await db.newHousehold();
    const closed = await db.newHousehold();
    await db.query('UPDATE households SET closed_at = 5 WHERE id = ?', [closed]);
    await db.query('UPDATE households SET name = ? WHERE id = ?', ['second', h2]);
    for (const [household, user, level] of [
      [h2, a, 2],
      [h1, a, 1],
      [closed, a, 1],
      [h1, b, 3],
    ])
      await db.query('INSERT INTO household_watchers (household_id, user_id, level) VALUES (?, ?, ?)', [
        household,
        user,
        level,
      ]);
    const list = await store.list(0);
    expect(list.map((w) => w.displayName)).toEqual(['Aoki', 'Baba']);
    expect(list[0]).toEqual({
      id: a,
      username: expect.any(String),
      displayName: 'Aoki',
      watcherKind: 'family',
      disabled: false,
      invitationExpiresAt: null,
      households: [
        { householdId: h1, householdName: 'h', districtId: 1, level: 1 },
        { householdId: h2, householdName: 'second', districtId: 1, level: 2 },
      ],
    });
    expect(list[1]).toMatchObject({ id: b, disabled: true, households: [{ householdId: h1, level: 3 }] });
    expect(await store.get(a, 0)).toEqual(list[0]);
    expect(await store.get(b, 0)).toEqual(list[1]);
    // Only watchers: a city hall account is not one.
    const clerk = (await db.query<{ id: number }>("SELECT id FROM users WHERE username = 'clerk'"))[0]!;
    expect(await store.get(Number(clerk.id), 0)).toBeUndefined();
    expect(await store.get(999_999, 0)).toBeUndefined();
  });

  it('shows a pending invitation until it expires or is used; a new one retires the earlier', async () => {
    const user = await newWatcher();
    const first = invitation(user, 1000, 10_000);
    await store.invite(first);
    expect((await store.get(user, 1000))?.invitationExpiresAt).toBe(new Date(10_000).toISOString());
    expect((await store.get(user, 10_000))?.invitationExpiresAt).toBeNull();
    const record = await store.invitationByHash(first.codeHash);
    expect(record).toEqual({ id: expect.any(Number), userId: user, expiresAt: 10_000, usedAt: null });
    expect(await store.invitationByHash('nobody')).toBeUndefined();

    const second = invitation(user, 2000, 20_000);
    await store.invite(second);
    expect(await store.invitationByHash(first.codeHash)).toMatchObject({ expiresAt: 2000 });
    expect((await store.get(user, 2000))?.invitationExpiresAt).toBe(new Date(20_000).toISOString());
    expect(await pending(user, 2000)).toBe(1);

    const id = (await store.invitationByHash(second.codeHash))!.id;
    expect(await store.useInvitation(id, 3000)).toBe(true);
    expect(await store.useInvitation(id, 3001)).toBe(false);
    expect(await store.invitationByHash(second.codeHash)).toMatchObject({ usedAt: 3000 });
    expect((await store.get(user, 3000))?.invitationExpiresAt).toBeNull();
    // A code's hash is unique: a second invitation with it stores nothing (the unit of work rolls back).
    await expect(store.invite({ ...invitation(user, 4000), codeHash: second.codeHash })).rejects.toMatchObject(
      refused(/UNIQUE|unique|duplicate key/),
    );
  });

  it('leaves one working invitation when a user is invited twice at once', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => newWatcher()));
    await Promise.all(users.flatMap((u) => [store.invite(invitation(u)), store.invite(invitation(u))]));
    for (const u of users) expect(await pending(u, 1000)).toBe(1);
  });

  it('marks an invitation used once when it is used on several connections at once', async () => {
    const user = await newWatcher();
    const inv = invitation(user);
    await store.invite(inv);
    const { id } = (await store.invitationByHash(inv.codeHash))!;
    const other = createWatchersStore(engineSql(db));
    const answers = await Promise.all([
      store.useInvitation(id, 5000),
      other.useInvitation(id, 5001),
      store.useInvitation(id, 5002),
    ]);
    expect(answers.filter(Boolean)).toHaveLength(1);
  });
});
