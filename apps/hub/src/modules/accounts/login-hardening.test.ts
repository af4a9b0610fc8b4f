/**
 * Sign-in answers that reveal nothing: the lockout looks the same for unknown user names, a wrong
 * current password on a password change counts toward the lockout, and what was typed into the
 * user-name field is never kept verbatim in the append-only audit log. Sign-out is audited.
 */
import type { FakeClock } from '../../lib/clock';
import { eachFakeClockHub } from '../../testing/fake-clock';
import { TEST_PASSWORD, type TestHub } from '../../testing/harness';
import { LOCKOUT_MS, MAX_FAILED_LOGINS } from './service';

// Each from its own address, so the per-address rate limit (real time) stays out of the way.
let address = 0;
const loginReq = (hub: TestHub, username: string, password: string) =>
  hub.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress: `10.0.0.${++address % 250}`,
  });

describe('sign-in hardening', () => {
  let hub: TestHub;
  let clock: FakeClock;
  eachFakeClockHub((made) => ({ hub, clock } = made));

  /** The answers to `MAX_FAILED_LOGINS + 1` wrong passwords, then the right one, for `username`. */
  async function answers(username: string): Promise<{ status: number; body: unknown }[]> {
    const out: { status: number; body: unknown }[] = [];
    for (let i = 0; i <= MAX_FAILED_LOGINS; i++) {
      const r = await loginReq(hub, username, `wrong-password-${i}`);
      out.push({ status: r.statusCode, body: r.json() });
    }
    return out;
  }

  it('locks an unknown user name exactly as it locks a real one (same statuses, same bodies)', async () => {
    const real = await answers('watcher');
    const unknown = await answers('no-such-user');
    expect(real.map((a) => a.status)).toEqual([401, 401, 401, 401, 423, 423]);
    expect(unknown).toEqual(real);
    clock.advance(LOCKOUT_MS);
    expect((await loginReq(hub, 'no-such-user', 'x')).statusCode).toBe(401);
  });

  it('counts a wrong current password on a password change toward the lockout', async () => {
    const session = await hub.login('watcher');
    const codes: string[] = [];
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
      const r = await hub.as(session)({
        method: 'POST',
        url: '/api/auth/password',
        payload: { currentPassword: `guess-${i}`, newPassword: 'taken-over-account' },
      });
      codes.push(r.json().error.code);
    }
    expect(codes.at(-1)).toBe('ACCOUNT_LOCKED');
    // Locked like any lockout: even the right password does not sign in until it ends.
    expect((await loginReq(hub, 'watcher', TEST_PASSWORD)).json().error.code).toBe('ACCOUNT_LOCKED');
    // And the session that was guessing has been signed out.
    expect((await hub.as(session)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
    clock.advance(LOCKOUT_MS + 1);
    expect((await loginReq(hub, 'watcher', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('keeps no typed user name verbatim in the audit log (a password may have been typed there)', async () => {
    await loginReq(hub, 'my-Secret-Passw0rd!', 'x');
    await loginReq(hub, 'watcher', 'wrong-password');
    const rows = (await hub.ctx.audit.list({})).filter((e) => e.action === 'auth.login_failed');
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain('Secret-Passw0rd');
    // A failure for a real account names the account, so an administrator can see who is attacked.
    expect(rows.map((r) => r.target)).toContain(`user:${hub.fixture.users.watcher}`);
  });

  it('records sign-outs in the audit log, with the address', async () => {
    const session = await hub.login('listener');
    expect((await hub.as(session)({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(200);
    const row = (await hub.ctx.audit.list({})).find((e) => e.action === 'auth.logout');
    expect(row).toMatchObject({ actor: `user:${hub.fixture.users.listener}:listener`, ip: '127.0.0.1' });
  });
});
