/**
 * The accounts stores on both engines: users (unique names, the rules of roles), sessions (unique
 * token hashes, live only while unexpired and the user enabled), API keys (revoked once), unknown
 * names' failures, and two-factor secrets with one-time recovery codes (a replayed step refused).
 */
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { type AccountsStore, createAccountsStore, type NewUser } from './store';
import { createTwoFactorStore, type TwoFactorStore } from './two-factor-store';

const UNIQUE = /UNIQUE|unique|duplicate key/;
const CHECK = /CHECK|check constraint/;

describe.each(ENGINES)('accounts stores on %s', (engine) => {
  let db: EngineDb;
  let accounts: AccountsStore;
  let twoFactor: TwoFactorStore;
  let n = 0;
  const newUser = (extra: Partial<NewUser> = {}): NewUser => ({
    username: `user-${++n}`,
    displayName: `User ${n}`,
    passwordHash: '$argon2id$…',
    role: 'watcher',
    admin: false,
    shopId: null,
    watcherKind: 'family',
    ...extra,
  });
  const session = (userId: number, tokenHash = `token-${++n}`, expiresAt = 10_000) => ({
    tokenHash,
    userId,
    csrfToken: 'csrf',
    now: 1000,
    expiresAt,
    ip: '192.0.2.1',
  });

  beforeAll(async () => {
    db = await openEngine(engine);
    accounts = createAccountsStore(engineSql(db));
    twoFactor = createTwoFactorStore(engineSql(db));
    await db.query("INSERT INTO shops (id, name, category, kind, created_at) VALUES (7, 's', 'c', 'shop', 0)");
  });
  afterAll(() => db.close());

  it('stores a user once per name, with its flags, and keeps the rules of roles', async () => {
    const id = await accounts.createUser(
      newUser({ username: 'sato', role: 'cityhall', admin: true, watcherKind: null }),
      5,
    );
    expect(await accounts.userByUsername('sato')).toEqual({
      id,
      username: 'sato',
      displayName: expect.any(String),
      role: 'cityhall',
      admin: true,
      shopId: null,
      watcherKind: null,
      disabled: false,
      twoFactorEnabled: false,
      passwordHash: '$argon2id$…',
      failedLogins: 0,
      lockedUntil: null,
    });
    await expect(accounts.createUser(newUser({ username: 'sato' }), 5)).rejects.toMatchObject(refused(UNIQUE));
    // Only city hall administers; an operator belongs to a shop.
    await expect(accounts.createUser(newUser({ admin: true }), 5)).rejects.toMatchObject(refused(CHECK));
    await expect(accounts.createUser(newUser({ role: 'operator', watcherKind: null }), 5)).rejects.toMatchObject(
      refused(CHECK),
    );
    const operator = await accounts.createUser(newUser({ role: 'operator', shopId: 7, watcherKind: null }), 5);
    expect((await accounts.listUsers({ shopId: 7 })).map((u) => u.id)).toEqual([operator]);
    expect((await accounts.listUsers()).map((u) => u.id)).toEqual(expect.arrayContaining([id, operator]));

    await accounts.updateUser(id, { displayName: '佐藤', disabled: true });
    await accounts.recordFailedLogin(id, 3, 99);
    expect(await accounts.userById(id)).toMatchObject({
      displayName: '佐藤',
      disabled: true,
      failedLogins: 3,
      lockedUntil: 99,
    });
    await accounts.setPassword(id, 'new-hash');
    expect(await accounts.userById(id)).toMatchObject({ passwordHash: 'new-hash', failedLogins: 0, lockedUntil: null });
    expect(await accounts.userById(987_654)).toBeUndefined();
  });

  it('keeps a session live only while it is unexpired and its user enabled; ends them by user', async () => {
    const user = await accounts.createUser(newUser(), 0);
    const a = await accounts.createSession(session(user, 'hash-a'));
    const b = await accounts.createSession(session(user));
    await expect(accounts.createSession(session(user, 'hash-a'))).rejects.toMatchObject(refused(UNIQUE));
    expect(await accounts.sessionByTokenHash('hash-a')).toEqual({
      id: a,
      userId: user,
      csrfToken: 'csrf',
      expiresAt: 10_000,
      lastUsedAt: 1000,
    });
    expect(await accounts.liveSession(a, 9_999)).toMatchObject({ id: a });
    expect(await accounts.liveSession(a, 10_000)).toBeUndefined();
    await accounts.touchSession(a, 5000, 20_000);
    expect(await accounts.liveSession(a, 10_000)).toMatchObject({ lastUsedAt: 5000, expiresAt: 20_000 });
    await accounts.updateUser(user, { disabled: true });
    expect(await accounts.liveSession(a, 10_000)).toBeUndefined();
    await accounts.updateUser(user, { disabled: false });

    await accounts.deleteSessionsOfUser(user, a);
    expect(await accounts.liveSession(b, 0)).toBeUndefined();
    expect(await accounts.liveSession(a, 0)).toMatchObject({ id: a });
    await accounts.deleteSession(a);
    expect(await accounts.sessionByTokenHash('hash-a')).toBeUndefined();
  });

  it('finds an API key by its hash until it is revoked, and revokes it once', async () => {
    const by = await accounts.createUser(newUser(), 0);
    const k = {
      name: 'gateway',
      role: 'cityhall' as const,
      prefix: 'tsk_abcdefgh',
      keyHash: 'key-1',
      createdBy: by,
      now: 86_400_000,
    };
    const id = await accounts.createApiKey(k);
    await expect(accounts.createApiKey(k)).rejects.toMatchObject(refused(UNIQUE));
    expect(await accounts.apiKeyByHash('key-1')).toEqual({
      id,
      name: 'gateway',
      role: 'cityhall',
      prefix: 'tsk_abcdefgh',
      createdBy: by,
      createdAt: '1970-01-02T00:00:00.000Z',
      revokedAt: null,
    });
    expect(await accounts.revokeApiKey(id, 86_400_000)).toBe(true);
    expect(await accounts.revokeApiKey(id, 99)).toBe(false);
    expect((await accounts.apiKeyById(id))?.revokedAt).toBe('1970-01-02T00:00:00.000Z');
    expect((await accounts.listApiKeys()).map((x) => x.id)).toContain(id);
  });

  it("counts an unknown name's failures and forgets names not tried for a day", async () => {
    expect(await accounts.unknownNameFailures('n1')).toBeUndefined();
    await accounts.recordUnknownNameFailure('n1', 1, null, 100, 0);
    await accounts.recordUnknownNameFailure('n1', 2, 500, 200, 0);
    await accounts.recordUnknownNameFailure('n2', 1, null, 300, 0);
    expect(await accounts.unknownNameFailures('n1')).toEqual({ failed: 2, lockedUntil: 500 });
    await accounts.recordUnknownNameFailure('n3', 1, null, 400, 250);
    expect(await accounts.unknownNameFailures('n1')).toBeUndefined();
    expect(await accounts.unknownNameFailures('n2')).toEqual({ failed: 1, lockedUntil: null });
  });

  it('turns two-factor sign-in on, refuses a replayed step and uses each recovery code once', async () => {
    const user = await accounts.createUser(newUser(), 0);
    await twoFactor.begin(user, 'SECRET1', 10);
    await twoFactor.replaceRecoveryCodes(user, ['r1', 'r2'], 10);
    // A new set-up replaces the secret and drops the old codes.
    await twoFactor.begin(user, 'SECRET2', 20);
    expect(await twoFactor.recoveryCodesLeft(user)).toBe(0);
    expect(await twoFactor.get(user)).toEqual({
      userId: user,
      secret: 'SECRET2',
      confirmedAt: null,
      lastTimeStep: null,
    });
    expect((await accounts.userById(user))?.twoFactorEnabled).toBe(false);
    await twoFactor.confirm(user, 100, 30);
    expect((await accounts.userById(user))?.twoFactorEnabled).toBe(true);

    expect(await twoFactor.useTimeStep(user, 100)).toBe(false);
    expect(await twoFactor.useTimeStep(user, 101)).toBe(true);
    expect(await twoFactor.useTimeStep(user, 101)).toBe(false);

    await twoFactor.replaceRecoveryCodes(user, ['c1', 'c2', 'c3'], 40);
    await expect(twoFactor.replaceRecoveryCodes(user, ['c1', 'c1'], 40)).rejects.toMatchObject(refused(UNIQUE));
    // The refused replacement changed nothing: all or nothing.
    expect(await twoFactor.recoveryCodesLeft(user)).toBe(3);
    expect(await twoFactor.useRecoveryCode(user, 'c2', 50)).toBe(true);
    expect(await twoFactor.useRecoveryCode(user, 'c2', 60)).toBe(false);
    expect(await twoFactor.recoveryCodesLeft(user)).toBe(2);

    expect(await twoFactor.remove(user)).toBe(true);
    expect(await twoFactor.remove(user)).toBe(false);
    expect(await twoFactor.recoveryCodesLeft(user)).toBe(0);
    expect(await twoFactor.get(user)).toBeUndefined();
  });
});
