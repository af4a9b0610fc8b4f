import type { FakeClock } from '../../lib/clock';
import { eachFakeClockHub } from '../../testing/fake-clock';
import { TEST_PASSWORD, type TestHub } from '../../testing/harness';
import { LOCKOUT_MS, MAX_FAILED_LOGINS, SESSION_IDLE_MS } from './service';

const loginReq = (hub: TestHub, username: string, password: string) =>
  hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

describe('accounts and sessions', () => {
  let hub: TestHub;
  let clock: FakeClock;
  eachFakeClockHub((made) => ({ hub, clock } = made));

  it('signs in with the right password: httpOnly SameSite=Strict cookie and a CSRF token', async () => {
    const res = await loginReq(hub, 'listener', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/tsunagu_session=[\w-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const body = res.json();
    expect(body.user).toMatchObject({ username: 'listener', role: 'listener', admin: false });
    expect(body.user.passwordHash).toBeUndefined();
    expect(body.csrfToken.length).toBeGreaterThan(20);
  });

  it('stores passwords as Argon2id hashes', async () => {
    const u = (await hub.stores.accounts.userByUsername('cityhall'))!;
    expect(u.passwordHash).toMatch(/^\$argon2id\$/);
    expect(u.passwordHash).not.toContain(TEST_PASSWORD);
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const a = await loginReq(hub, 'cityhall', 'wrong-password');
    const b = await loginReq(hub, 'nobody', 'wrong-password');
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(b.json()).toEqual(a.json());
  });

  it(`locks the account after ${MAX_FAILED_LOGINS} failures, even for the right password, until the lockout ends`, async () => {
    for (let i = 1; i < MAX_FAILED_LOGINS; i++)
      expect((await loginReq(hub, 'watcher', 'nope-nope')).statusCode).toBe(401);
    const locked = await loginReq(hub, 'watcher', 'nope-nope');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    expect((await loginReq(hub, 'watcher', TEST_PASSWORD)).json().error.code).toBe('ACCOUNT_LOCKED');
    clock.advance(LOCKOUT_MS + 1);
    expect((await loginReq(hub, 'watcher', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('a successful sign-in resets the failure count', async () => {
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) await loginReq(hub, 'watcher', 'nope-nope');
    expect((await loginReq(hub, 'watcher', TEST_PASSWORD)).statusCode).toBe(200);
    expect((await loginReq(hub, 'watcher', 'nope-nope')).statusCode).toBe(401);
  });

  it('rate-limits sign-in attempts per address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await loginReq(hub, `nobody${i}`, 'x')).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes[11]).toBe(429);
    const res = await loginReq(hub, 'cityhall', TEST_PASSWORD);
    expect(res.json().error.code).toBe('RATE_LIMITED');
  });

  it('refuses a disabled account and signs it out', async () => {
    const session = await hub.login('watcher');
    expect((await hub.disableUser(hub.fixture.users.watcher)).statusCode).toBe(200);
    expect((await hub.as(session)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
    expect((await loginReq(hub, 'watcher', TEST_PASSWORD)).json().error.code).toBe('ACCOUNT_DISABLED');
  });

  it('returns the session, and logs out', async () => {
    const s = await hub.login('operator');
    const me = await hub.as(s)({ method: 'GET', url: '/api/auth/session' });
    expect(me.json().user.username).toBe('operator');
    expect((await hub.as(s)({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(200);
    expect((await hub.as(s)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
  });

  it('expires idle sessions', async () => {
    const s = await hub.login('operator');
    clock.advance(SESSION_IDLE_MS + 1000);
    expect((await hub.as(s)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
  });

  it('issues a new session id at every sign-in (no fixation)', async () => {
    const a = await hub.login('operator');
    const res = await hub.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'operator', password: TEST_PASSWORD },
      headers: { cookie: a.cookie },
    });
    expect(String(res.headers['set-cookie']).split(';')[0]).not.toBe(a.cookie);
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated write without the token, or with a wrong one', async () => {
      const s = await hub.login('cityhall');
      const payload = { name: 'x', address: 'y', districtId: hub.fixture.districts[0] };
      const none = await hub.app.inject({
        method: 'POST',
        url: '/api/households',
        payload,
        headers: { cookie: s.cookie },
      });
      expect(none.statusCode).toBe(403);
      expect(none.json().error.code).toBe('CSRF_FAILED');
      const wrong = await hub.app.inject({
        method: 'POST',
        url: '/api/households',
        payload,
        headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
      });
      expect(wrong.json().error.code).toBe('CSRF_FAILED');
      const right = await hub.as(s)({ method: 'POST', url: '/api/households', payload });
      expect(right.statusCode).toBe(201);
    });

    it('allows reads without the token', async () => {
      const s = await hub.login('cityhall');
      const res = await hub.app.inject({ method: 'GET', url: '/api/households', headers: { cookie: s.cookie } });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('password change', () => {
    it('needs the current password, rejects short ones, and signs out other sessions', async () => {
      const s1 = await hub.login('listener');
      const s2 = await hub.login('listener');
      const changePassword = (currentPassword: string, newPassword: string) =>
        hub.as(s1)({ method: 'POST', url: '/api/auth/password', payload: { currentPassword, newPassword } });
      const bad = await changePassword('wrong', 'a-new-long-password');
      expect(bad.json().error.code).toBe('INVALID_CREDENTIALS');
      const short = await changePassword(TEST_PASSWORD, 'short');
      expect(short.statusCode).toBe(400);
      expect(short.json().error.code).toBe('VALIDATION_FAILED');
      const ok = await changePassword(TEST_PASSWORD, 'a-new-long-password');
      expect(ok.statusCode).toBe(200);
      expect((await hub.as(s1)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(200);
      expect((await hub.as(s2)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
      expect((await loginReq(hub, 'listener', 'a-new-long-password')).statusCode).toBe(200);
    });
  });

  describe('API keys', () => {
    it('are created by an admin, shown once, stored hashed, usable as Bearer, and revocable', async () => {
      const admin = await hub.login('admin');
      const created = await hub.as(admin)({
        method: 'POST',
        url: '/api/api-keys',
        payload: { name: 'alert-gateway', role: 'cityhall' },
      });
      expect(created.statusCode).toBe(201);
      const { key, apiKey } = created.json();
      expect(key).toMatch(/^tsk_/);
      const stored = await hub.ctx.sql.get<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = ?', [
        apiKey.id,
      ]);
      expect(stored!.key_hash).not.toContain(key);
      const list = await hub.as(admin)({ method: 'GET', url: '/api/api-keys' });
      expect(JSON.stringify(list.json())).not.toContain(key);

      const use = await hub.as({ bearer: key })({ method: 'GET', url: '/api/households' });
      expect(use.statusCode).toBe(200);
      // A key with a role is not an admin, even for cityhall.
      expect((await hub.as({ bearer: key })({ method: 'GET', url: '/api/users' })).statusCode).toBe(403);

      expect((await hub.as(admin)({ method: 'DELETE', url: `/api/api-keys/${apiKey.id}` })).statusCode).toBe(200);
      const after = await hub.as({ bearer: key })({ method: 'GET', url: '/api/households' });
      expect(after.statusCode).toBe(401);
    });

    it('are scoped to their role', async () => {
      const { key } = await hub.services.accounts.createApiKey('watch-feed', 'watcher', null);
      expect((await hub.as({ bearer: key })({ method: 'GET', url: '/api/terminals' })).statusCode).toBe(403);
    });

    it('refuse malformed Authorization headers and unknown keys', async () => {
      const bad = await hub.app.inject({
        method: 'GET',
        url: '/api/households',
        headers: { authorization: 'Basic abc' },
      });
      expect(bad.statusCode).toBe(401);
      const unknown = await hub.as({ bearer: 'tsk_not-a-real-key' })({ method: 'GET', url: '/api/households' });
      expect(unknown.statusCode).toBe(401);
    });

    it('are not allowed to non-admins', async () => {
      const s = await hub.login('cityhall');
      const res = await hub.as(s)({ method: 'POST', url: '/api/api-keys', payload: { name: 'x', role: 'cityhall' } });
      expect(res.statusCode).toBe(403);
    });
  });

  describe('audit log', () => {
    it('records privileged actions with who, what, when and from where, visible to admins only', async () => {
      const admin = await hub.login('admin');
      await hub.as(admin)({
        method: 'POST',
        url: '/api/users',
        payload: { username: 'newbie', displayName: 'New', password: 'long-enough-pw', role: 'watcher' },
      });
      await hub.as(admin)({ method: 'POST', url: '/api/api-keys', payload: { name: 'gw', role: 'cityhall' } });
      await hub.as(admin)({
        method: 'POST',
        url: `/api/households/${hub.fixture.households[0]}/enrollment-codes`,
        payload: {},
      });
      const res = await hub.as(admin)({ method: 'GET', url: '/api/audit?limit=50' });
      const actions = res.json().entries.map((e: { action: string }) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['auth.login', 'user.created', 'apikey.created', 'terminal.code_issued']),
      );
      const created = res.json().entries.find((e: { action: string }) => e.action === 'user.created');
      expect(created).toMatchObject({ actor: expect.stringMatching(/^user:\d+:admin$/), ip: '127.0.0.1' });
      expect(new Date(created.at).getTime()).toBe(clock.now());
      const cityhall = await hub.login('cityhall');
      expect((await hub.as(cityhall)({ method: 'GET', url: '/api/audit' })).statusCode).toBe(403);
    });

    it('never records a password', async () => {
      await loginReq(hub, 'cityhall', 'wrong-secret-123');
      const entries = await hub.ctx.sql.all('SELECT * FROM audit_log');
      expect(entries.length).toBeGreaterThan(0);
      const rows = JSON.stringify(entries);
      expect(rows).not.toContain('wrong-secret-123');
      expect(rows).not.toContain(TEST_PASSWORD);
    });
  });

  describe('user management', () => {
    it('creates users with role rules and refuses duplicates', async () => {
      const admin = await hub.login('admin');
      const call = (payload: object) => hub.as(admin)({ method: 'POST', url: '/api/users', payload });
      const op = { displayName: 'Op', password: 'long-enough-pw', role: 'operator' };
      const op2 = { ...op, username: 'op2', shopId: hub.fixture.shopId };
      expect((await call(op2)).statusCode).toBe(201);
      expect((await call(op2)).statusCode).toBe(409);
      expect((await call({ ...op, username: 'op3' })).json().error.code).toBe('VALIDATION_FAILED');
      expect(
        (await call({ username: 'w2', displayName: 'W', password: 'long-enough-pw', role: 'watcher', admin: true }))
          .statusCode,
      ).toBe(400);
      expect((await call({ ...op, username: 'op4', shopId: 999 })).statusCode).toBe(400);
    });

    it('resets a password and signs the user out', async () => {
      const admin = await hub.login('admin');
      const s = await hub.login('operator');
      const r = await hub.as(admin)({
        method: 'POST',
        url: `/api/users/${hub.fixture.users.operator}/password`,
        payload: { newPassword: 'reset-by-admin-1' },
      });
      expect(r.statusCode).toBe(200);
      expect((await hub.as(s)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
      expect((await loginReq(hub, 'operator', 'reset-by-admin-1')).statusCode).toBe(200);
    });

    it('does not let an admin lock themselves out', async () => {
      expect((await hub.disableUser(hub.fixture.users.admin)).statusCode).toBe(400);
    });
  });
});
