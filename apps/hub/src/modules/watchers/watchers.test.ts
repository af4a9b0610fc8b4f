// Watchers as city hall manages them: the list with each watcher's households and levels, accounts
// created with a one-time invitation instead of a password city hall would see, and the watcher
// setting their own password with it (once, before it expires).
import { FakeClock } from '../../lib/clock';
import { as, createTestHub, login, type StaffSession, sessionFor, type TestHub } from '../../testing/harness';
import { addWatcher, migrated, rowCount, running } from '../../testing/migrated';
import { INVITATION_DAYS, invitationCode } from '.';

describe('0041-watcher-invitations', () => {
  it('keeps only the hash of a code, once, and forgets invitations with their user', () => {
    const db = migrated(41, { foreignKeys: true });
    addWatcher(db);
    const insert = db.prepare(
      "INSERT INTO watcher_invitations (user_id, code_hash, created_by, created_at, expires_at) VALUES (1, ?, 'c', 0, 1)",
    );
    insert.run('h1');
    expect(() => insert.run('h1')).toThrow(/UNIQUE/);
    expect(
      running(
        db,
        "INSERT INTO watcher_invitations (user_id, code_hash, created_by, created_at, expires_at) VALUES (1, 'h2', 'c', 'now', 1)",
      ),
    ).toThrow(/INTEGER/);
    db.prepare('DELETE FROM users').run();
    expect(rowCount(db, 'watcher_invitations')).toBe(0);
  });
});

describe('invitation codes', () => {
  it('are twelve unambiguous characters in groups of four, different each time', () => {
    const codes = new Set(Array.from({ length: 200 }, invitationCode));
    expect(codes.size).toBe(200);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  });
});

describe('watchers managed by city hall', () => {
  let hub: TestHub;
  let clock: FakeClock;
  let clerk: StaffSession;
  beforeEach(async () => {
    clock = new FakeClock(Date.UTC(2026, 3, 1, 0, 0, 0));
    hub = await createTestHub({ clock });
    clerk = sessionFor(hub, hub.fixture.users.cityhall);
  });
  afterEach(() => hub.close());
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, who: StaffSession | null = clerk) =>
    as(hub, who)({ method, url, ...(payload ? { payload } : {}) });
  const accept = (code: string, password: string) =>
    hub.app.inject({ method: 'POST', url: '/api/auth/invitation', payload: { code, password } });

  it('lists every watcher with the open households they watch and at which level', async () => {
    const { households, users } = hub.fixture;
    const res = await call('GET', '/api/watchers');
    expect(res.statusCode).toBe(200);
    const byName = new Map(res.json().watchers.map((w: { username: string }) => [w.username, w]));
    expect([...byName.keys()].sort()).toEqual(['other-watcher', 'supervisor', 'watcher']);
    expect(byName.get('supervisor')).toMatchObject({
      id: users.supervisor,
      watcherKind: 'supervisor',
      disabled: false,
      invitationExpiresAt: null,
      households: [
        { householdId: households[0], householdName: '世帯1', level: 2 },
        { householdId: households[1], householdName: '世帯2', level: 2 },
      ],
    });
    // A closed household leaves the watcher's list.
    expect((await call('POST', `/api/households/${households[0]}/close`, { reason: '転出' })).statusCode).toBe(200);
    const after = (await call('GET', `/api/watchers`)).json().watchers;
    const supervisor = after.find((w: { id: number }) => w.id === users.supervisor);
    expect(supervisor.households.map((h: { householdId: number }) => h.householdId)).toEqual([households[1]]);
  });

  it('creates a watcher whose password nobody knows until they set it with the code, once', async () => {
    const created = await call('POST', '/api/watchers', {
      displayName: '福祉課 青木',
      username: 'aoki',
      watcherKind: 'welfare',
    });
    expect(created.statusCode).toBe(201);
    const { watcher, code, expiresAt } = created.json();
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(expiresAt).toBe(new Date(clock.now() + INVITATION_DAYS * 86_400_000).toISOString());
    expect(watcher).toMatchObject({ username: 'aoki', displayName: '福祉課 青木', invitationExpiresAt: expiresAt });
    // Only the hash is stored; no answer after creation contains the code.
    const stored = await hub.ctx.sql.all<{ code_hash: string }>('SELECT code_hash FROM watcher_invitations');
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain(code.replace(/-/g, ''));
    expect((await call('GET', '/api/watchers')).body).not.toContain(code);
    // Assign from the household page, then the watcher's households show it.
    const hid = hub.fixture.households[2]!;
    expect((await call('POST', `/api/households/${hid}/watchers`, { userId: watcher.id, level: 1 })).statusCode).toBe(
      200,
    );

    // People type it in lower case and without dashes.
    const typed = code.toLowerCase().replace(/-/g, '');
    const ok = await accept(typed, 'a-much-longer-one');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ username: 'aoki', displayName: '福祉課 青木' });
    const session = await login(hub, 'aoki', 'a-much-longer-one');
    const mine = await call('GET', '/api/households', undefined, session);
    expect(mine.json().households.map((h: { id: number }) => h.id)).toEqual([hid]);

    const again = await accept(code, 'another-long-one');
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('INVITATION_INVALID');
    await login(hub, 'aoki', 'a-much-longer-one');
    const list = (await call('GET', '/api/watchers')).json().watchers;
    expect(list.find((w: { username: string }) => w.username === 'aoki')).toMatchObject({
      invitationExpiresAt: null,
      households: [{ householdId: hid, level: 1 }],
    });
    const actions = await hub.ctx.sql.all("SELECT action FROM audit_log WHERE action LIKE 'watcher.%' ORDER BY id");
    expect(actions.map((a) => (a as { action: string }).action)).toEqual([
      'watcher.created',
      'watcher.password_set',
      'watcher.invitation_failed',
    ]);
  });

  it('refuses an expired code, and a new invitation retires the old one without touching the password', async () => {
    const { watcher, code } = (
      await call('POST', '/api/watchers', { displayName: '家族 山田', username: 'yamada-son', watcherKind: 'family' })
    ).json();
    clock.advance(INVITATION_DAYS * 86_400_000);
    clerk = sessionFor(hub, hub.fixture.users.cityhall);
    const expired = await accept(code, 'a-much-longer-one');
    expect(expired.json().error.code).toBe('INVITATION_INVALID');
    expect(
      (await call('GET', '/api/watchers')).json().watchers.find((w: { id: number }) => w.id === watcher.id),
    ).toMatchObject({ invitationExpiresAt: null });

    const first = (await call('POST', `/api/watchers/${watcher.id}/invitation`)).json();
    const second = await call('POST', `/api/watchers/${watcher.id}/invitation`);
    expect(second.statusCode).toBe(201);
    expect((await accept(first.code, 'a-much-longer-one')).json().error.code).toBe('INVITATION_INVALID');
    expect((await accept(second.json().code, 'a-much-longer-one')).statusCode).toBe(200);
    await login(hub, 'yamada-son', 'a-much-longer-one');
  });

  it('switches a watcher off: their sessions end and their invitation stops working', async () => {
    const { watcher, code } = (
      await call('POST', '/api/watchers', {
        displayName: '民生委員 佐藤',
        username: 'sato',
        watcherKind: 'carenetwork',
      })
    ).json();
    const off = await call('PATCH', `/api/watchers/${watcher.id}`, {
      disabled: true,
      displayName: '民生委員 佐藤 (退任)',
    });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ disabled: true, displayName: '民生委員 佐藤 (退任)' });
    expect((await accept(code, 'a-much-longer-one')).json().error.code).toBe('INVITATION_INVALID');
    const reinvite = await call('POST', `/api/watchers/${watcher.id}/invitation`);
    expect(reinvite.statusCode).toBe(409);
    expect(reinvite.json().error.code).toBe('ACCOUNT_DISABLED');
  });

  it('answers bad input and other people with a clear code', async () => {
    const { users } = hub.fixture;
    expect((await call('PATCH', `/api/watchers/${users.operator}`, { disabled: true })).json().error.code).toBe(
      'NOT_FOUND',
    );
    expect((await call('POST', `/api/watchers/${users.cityhall}/invitation`)).statusCode).toBe(404);
    const taken = await call('POST', '/api/watchers', {
      displayName: 'x',
      username: 'watcher',
      watcherKind: 'welfare',
    });
    expect(taken.statusCode).toBe(409);
    const weak = await accept('K7QM-4TXR-9HWE', 'short');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('VALIDATION_FAILED');
    const badShape = await accept('K7QM-4TXR-9HW0', 'a-much-longer-one');
    expect(badShape.json().error.code).toBe('VALIDATION_FAILED');
    const asWatcher = sessionFor(hub, users.watcher);
    expect((await call('GET', '/api/watchers', undefined, asWatcher)).statusCode).toBe(403);
    expect(
      (await call('POST', '/api/watchers', { displayName: 'x', username: 'xx1', watcherKind: 'family' }, asWatcher))
        .statusCode,
    ).toBe(403);
  });
});
