/**
 * Two-factor sign-in (TOTP + recovery codes): required for city hall, optional for everyone else,
 * set up from the account page, reset by an administrator or the admin command line.
 */
import type { RecoveryCodes, SessionInfo, TwoFactorSetup } from '@tsunagu/protocol';
import type { FakeClock } from '../../lib/clock';
import { eachFakeClockHub } from '../../testing/fake-clock';
import { type StaffSession, TEST_PASSWORD, type TestHub } from '../../testing/harness';
import { totpCode } from '../../testing/two-factor';
import { LOCKOUT_MS, MAX_FAILED_LOGINS } from './service';

jest.setTimeout(30_000);

const STEP_MS = 30_000;
let address = 0;

describe('two-factor sign-in', () => {
  let hub: TestHub;
  let clock: FakeClock;
  eachFakeClockHub((made) => ({ hub, clock } = made));

  // Each from its own address: the per-address sign-in limit (real time) is not what these test.
  const post = (payload: Record<string, unknown>) =>
    hub.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload,
      remoteAddress: `10.1.0.${++address % 250}`,
    });
  const sessionOf = (res: Awaited<ReturnType<typeof post>>): StaffSession => ({
    cookie: String(res.headers['set-cookie']).split(';')[0]!,
    csrfToken: (res.json() as SessionInfo).csrfToken,
    userId: (res.json() as SessionInfo).user.id,
  });
  const step = () => Math.floor(clock.now() / STEP_MS);

  /** A new city hall account, not set up yet (like the demo city's on first start). */
  async function newCityhall(username = 'tanaka'): Promise<StaffSession> {
    await hub.services.accounts.createUser({
      username,
      displayName: '田中',
      password: TEST_PASSWORD,
      role: 'cityhall',
    });
    const res = await post({ username, password: TEST_PASSWORD });
    expect(res.statusCode).toBe(200);
    expect((res.json() as SessionInfo).twoFactor).toEqual({ required: true, enabled: false, recoveryCodesLeft: 0 });
    return sessionOf(res);
  }

  /** Scans (reads the secret) and confirms with the app's current code; returns secret and recovery codes. */
  async function setUp(session: StaffSession) {
    const setup = await hub.as(session)({ method: 'POST', url: '/api/auth/two-factor/setup' });
    expect(setup.statusCode).toBe(200);
    const body = setup.json() as TwoFactorSetup;
    const confirm = await hub.as(session)({
      method: 'POST',
      url: '/api/auth/two-factor/confirm',
      payload: { code: totpCode(body.secret, step()) },
    });
    expect(confirm.statusCode).toBe(200);
    return { ...body, recoveryCodes: (confirm.json() as RecoveryCodes).recoveryCodes };
  }

  it('a city hall account without it can only set it up; the QR code is drawn by the hub', async () => {
    const session = await newCityhall();
    const blocked = await hub.as(session)({ method: 'GET', url: '/api/households' });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('TWO_FACTOR_SETUP_REQUIRED');
    await expect(hub.connectStaff(session)).rejects.toMatchObject({
      data: { code: 'TWO_FACTOR_SETUP_REQUIRED' },
    });
    const setup = await hub.as(session)({ method: 'POST', url: '/api/auth/two-factor/setup' });
    const body = setup.json() as TwoFactorSetup;
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauthUri).toBe(`otpauth://totp/Tsunagu:tanaka?secret=${body.secret}&issuer=Tsunagu`);
    expect(body.qrSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // A wrong first code does not turn it on.
    const wrong = await hub.as(session)({
      method: 'POST',
      url: '/api/auth/two-factor/confirm',
      payload: { code: totpCode(body.secret, step() + 5) },
    });
    expect(wrong.json().error.code).toBe('TWO_FACTOR_INVALID');
    const ok = await hub.as(session)({
      method: 'POST',
      url: '/api/auth/two-factor/confirm',
      payload: { code: totpCode(body.secret, step()) },
    });
    const codes = (ok.json() as RecoveryCodes).recoveryCodes;
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
    // Stored only as hashes.
    const rows = await hub.ctx.sql.all('SELECT * FROM recovery_codes WHERE user_id = ?', [session.userId]);
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const c of codes) expect(stored).not.toContain(c.replace(/-/g, ''));
    expect((await hub.as(session)({ method: 'GET', url: '/api/households' })).statusCode).toBe(200);
    const state = (await hub.as(session)({ method: 'GET', url: '/api/auth/session' })).json() as SessionInfo;
    expect(state.twoFactor).toEqual({ required: true, enabled: true, recoveryCodesLeft: 10 });
    expect(state.user.twoFactorEnabled).toBe(true);
  });

  it('then sign-in needs the app’s code: once each, wrong ones count toward the lockout', async () => {
    const { secret } = await setUp(await newCityhall());
    clock.advance(STEP_MS);
    const noCode = await post({ username: 'tanaka', password: TEST_PASSWORD });
    expect([noCode.statusCode, noCode.json().error.code]).toEqual([401, 'TWO_FACTOR_REQUIRED']);
    // A wrong password is still just a wrong password, code or not.
    const wrongPassword = await post({ username: 'tanaka', password: 'nope-nope-nope', code: '123456' });
    expect(wrongPassword.json().error.code).toBe('INVALID_CREDENTIALS');
    const code = totpCode(secret, step());
    const ok = await post({ username: 'tanaka', password: TEST_PASSWORD, code });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as SessionInfo).twoFactor.enabled).toBe(true);
    const replay = await post({ username: 'tanaka', password: TEST_PASSWORD, code });
    expect(replay.json().error.code).toBe('TWO_FACTOR_INVALID');
    // One period late still works (clock drift); a code from long ago does not.
    clock.advance(STEP_MS);
    expect(
      (await post({ username: 'tanaka', password: TEST_PASSWORD, code: totpCode(secret, step() + 1) })).statusCode,
    ).toBe(200);
    const codes: string[] = [];
    // The sign-in just now cleared the count: five wrong codes in a row lock the account.
    for (let i = 0; i < MAX_FAILED_LOGINS; i++)
      codes.push(
        (await post({ username: 'tanaka', password: TEST_PASSWORD, code: totpCode(secret, step() - 10 - i) })).json()
          .error.code,
      );
    expect(codes.at(-1)).toBe('ACCOUNT_LOCKED');
    clock.advance(LOCKOUT_MS + STEP_MS);
    expect(
      (await post({ username: 'tanaka', password: TEST_PASSWORD, code: totpCode(secret, step()) })).statusCode,
    ).toBe(200);
  });

  it('a recovery code signs in once, and the audit log says so', async () => {
    const { recoveryCodes } = await setUp(await newCityhall());
    const code = recoveryCodes[3]!.toLowerCase();
    const ok = await post({ username: 'tanaka', password: TEST_PASSWORD, code });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as SessionInfo).twoFactor.recoveryCodesLeft).toBe(9);
    expect((await post({ username: 'tanaka', password: TEST_PASSWORD, code })).json().error.code).toBe(
      'TWO_FACTOR_INVALID',
    );
    const login = (await hub.ctx.audit.list({})).find((e) => e.action === 'auth.login');
    expect(JSON.parse(login!.detail!)).toEqual({ secondFactor: 'recovery' });
    expect((await hub.ctx.audit.list({})).map((e) => e.action)).toContain('auth.two_factor_enabled');
  });

  it('new recovery codes need the app’s code, and replace the old ones', async () => {
    const session = await newCityhall();
    const { secret, recoveryCodes } = await setUp(session);
    clock.advance(STEP_MS);
    const renewed = await hub.as(session)({
      method: 'POST',
      url: '/api/auth/two-factor/recovery-codes',
      payload: { code: totpCode(secret, step()) },
    });
    expect(renewed.statusCode).toBe(200);
    const fresh = (renewed.json() as RecoveryCodes).recoveryCodes;
    expect(fresh).not.toEqual(recoveryCodes);
    expect((await post({ username: 'tanaka', password: TEST_PASSWORD, code: recoveryCodes[0] })).statusCode).toBe(401);
    expect((await post({ username: 'tanaka', password: TEST_PASSWORD, code: fresh[0] })).statusCode).toBe(200);
  });

  it('is optional for other roles: a watcher may turn it on and off (with the password); city hall may not turn it off', async () => {
    const watcher = await hub.login('watcher');
    const before = (await hub.as(watcher)({ method: 'GET', url: '/api/auth/session' })).json() as SessionInfo;
    expect(before.twoFactor).toEqual({ required: false, enabled: false, recoveryCodesLeft: 0 });
    expect((await hub.as(watcher)({ method: 'GET', url: '/api/watch/board' })).statusCode).toBe(200);
    const { secret } = await setUp(watcher);
    clock.advance(STEP_MS);
    expect((await post({ username: 'watcher', password: TEST_PASSWORD })).json().error.code).toBe(
      'TWO_FACTOR_REQUIRED',
    );
    const wrong = await hub.as(watcher)({
      method: 'POST',
      url: '/api/auth/two-factor/disable',
      payload: { password: 'not-my-password' },
    });
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    const off = await hub.as(watcher)({
      method: 'POST',
      url: '/api/auth/two-factor/disable',
      payload: { password: TEST_PASSWORD },
    });
    expect(off.statusCode).toBe(200);
    expect((await post({ username: 'watcher', password: TEST_PASSWORD })).statusCode).toBe(200);
    void secret;
    const cityhall = await hub.login('cityhall');
    const refused = await hub.as(cityhall)({
      method: 'POST',
      url: '/api/auth/two-factor/disable',
      payload: { password: TEST_PASSWORD },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('an administrator resets it: the user is signed out and sets it up again at the next sign-in', async () => {
    const session = await newCityhall();
    await setUp(session);
    const admin = await hub.login('admin');
    const id = session.userId;
    const reset = await hub.as(admin)({ method: 'POST', url: `/api/users/${id}/two-factor/reset` });
    expect(reset.statusCode).toBe(200);
    expect((await hub.as(session)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
    const again = await post({ username: 'tanaka', password: TEST_PASSWORD });
    expect(again.statusCode).toBe(200);
    expect((again.json() as SessionInfo).twoFactor).toMatchObject({ required: true, enabled: false });
    expect((await hub.ctx.audit.list({})).find((e) => e.action === 'user.two_factor_reset')).toMatchObject({
      target: `user:${id}`,
    });
    const self = await hub.as(admin)({
      method: 'POST',
      url: `/api/users/${hub.fixture.users.admin}/two-factor/reset`,
    });
    expect(self.statusCode).toBe(400);
    const cityhall = await hub.login('cityhall');
    expect((await hub.as(cityhall)({ method: 'POST', url: `/api/users/${id}/two-factor/reset` })).statusCode).toBe(403);
  });
});
