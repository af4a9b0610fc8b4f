/**
 * Two-factor sign-in for tests: staff who must have it (city hall) are enrolled with a known
 * secret, and a test that signs in gets a code that works now — the authenticator app's code for
 * a period not used yet (one early, now, one late), or else a fresh recovery code.
 */
import { generateSync } from 'otplib';
import type { Hub } from '../hub';
import { sha256 } from '../lib/secrets';
import { createTwoFactorStore } from '../modules/accounts/two-factor-store';

/** The authenticator secret of every test account enrolled by `enrolTwoFactor` (base32). */
export const TEST_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PERIOD = 30;

/** Turns two-factor sign-in on for `userId` with `secret`, as if they had scanned it and typed a code. */
export async function enrolTwoFactor(hub: Pick<Hub, 'ctx'>, userId: number, secret = TEST_TOTP_SECRET): Promise<void> {
  const store = createTwoFactorStore(hub.ctx.sql);
  const now = hub.ctx.clock.now();
  await store.begin(userId, secret, now);
  await store.confirm(userId, 0, now);
}

/** The code the user's authenticator app would show for the time step `step`. */
export function totpCode(secret: string, step: number): string {
  return generateSync({ secret, epoch: step * PERIOD, period: PERIOD });
}

/** A second-factor code the hub accepts now for `userId` (who has two-factor sign-in on). */
export async function secondFactorCode(hub: Pick<Hub, 'ctx'>, userId: number): Promise<string> {
  const record = await createTwoFactorStore(hub.ctx.sql).get(userId);
  if (!record) throw new Error(`user ${userId} has no two-factor sign-in`);
  const current = Math.floor(hub.ctx.clock.now() / 1000 / PERIOD);
  // The period before only while this one has time left: on a slow machine the period may turn
  // between here and the check, and that code would then fall out of the window.
  const left = PERIOD - ((hub.ctx.clock.now() / 1000) % PERIOD);
  const steps = left > 10 ? [current - 1, current, current + 1] : [current, current + 1];
  for (const step of steps)
    if (record.lastTimeStep === null || step > record.lastTimeStep) return totpCode(record.secret, step);
  // Every code of this period has been used (a fake clock that stands still): a recovery code.
  const code = `TEST-${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`.replace(/\d/g, (d) =>
    'ABCDEFGHJK'.charAt(Number(d)),
  );
  await hub.ctx.sql.run('INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)', [
    userId,
    sha256(code.replace(/[^A-Z0-9]/g, '')),
    hub.ctx.clock.now(),
  ]);
  return code;
}
