/**
 * Two-factor sign-in: an authenticator app's 6-digit code (TOTP, RFC 6238, via otplib), with
 * one-time recovery codes for a lost phone. Required for city hall accounts (they can alert the
 * whole city), optional for everyone else. A code is accepted once (replays are refused) and one
 * period early or late (clock drift).
 */
import { randomInt } from 'node:crypto';
import type { TwoFactorSetup, TwoFactorState, User } from '@tsunagu/protocol';
import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';
import type { Clock } from '../../lib/clock';
import { AppError, conflict } from '../../lib/errors';
import { sha256 } from '../../lib/secrets';
import type { TwoFactorStore } from './two-factor-store';

export const TWO_FACTOR_ISSUER = 'Tsunagu';
export const RECOVERY_CODE_COUNT = 10;
const PERIOD_SECONDS = 30;
/** No 0/O or 1/I: codes are read off paper. 16 characters of 32 = 80 bits. */
const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** City hall accounts (administrators are city hall too) must sign in with a second factor. */
export const twoFactorRequired = (user: Pick<User, 'role'>): boolean => user.role === 'cityhall';

const normalizeRecovery = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

function newRecoveryCode(): string {
  const chars = Array.from({ length: 16 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
  return chars.join('').replace(/(.{4})(?=.)/g, '$1-');
}

export interface TwoFactorService {
  state(user: Pick<User, 'id' | 'role'>): Promise<TwoFactorState>;
  /** A new secret to scan; replaces an unconfirmed one. Refused while two-factor sign-in is on. */
  setup(user: Pick<User, 'id' | 'username'>): Promise<TwoFactorSetup>;
  /** The first code from the app turns it on; returns the recovery codes (shown once). */
  confirm(userId: number, code: string): Promise<string[]>;
  /** At sign-in: how the code was right ('totp' or 'recovery'), or null. */
  check(userId: number, code: string): Promise<'totp' | 'recovery' | null>;
  /** New recovery codes (the old ones stop working), after a code from the app. */
  renewRecoveryCodes(userId: number, code: string): Promise<string[]>;
  /** Turns it off (and forgets the secret and the codes); false when it was not on. */
  remove(userId: number): Promise<boolean>;
}

export function createTwoFactorService(deps: { store: TwoFactorStore; clock: Clock }): TwoFactorService {
  const { store, clock } = deps;
  const invalidCode = () =>
    new AppError(400, 'TWO_FACTOR_INVALID', 'That code is not right. Type the code the app shows now.');

  /** The time step of `code` if it is the app's current (±1 period) code, else null. */
  const totpStep = (secret: string, code: string): number | null => {
    if (!/^\d{6}$/.test(code)) return null;
    const epoch = Math.floor(clock.now() / 1000);
    const r = verifySync({ secret, token: code, epoch, period: PERIOD_SECONDS, epochTolerance: PERIOD_SECONDS });
    return r.valid ? Math.floor(epoch / PERIOD_SECONDS) + r.delta : null;
  };

  const issueRecoveryCodes = async (userId: number) => {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await store.replaceRecoveryCodes(
      userId,
      codes.map((c) => sha256(normalizeRecovery(c))),
      clock.now(),
    );
    return codes;
  };

  return {
    async state(user) {
      const record = await store.get(user.id);
      const enabled = record?.confirmedAt != null;
      return {
        required: twoFactorRequired(user),
        enabled,
        recoveryCodesLeft: enabled ? await store.recoveryCodesLeft(user.id) : 0,
      };
    },

    async setup(user) {
      if ((await store.get(user.id))?.confirmedAt != null)
        throw conflict('Two-factor sign-in is already on. Turn it off first, or ask an administrator to reset it.');
      const secret = generateSecret();
      await store.begin(user.id, secret, clock.now());
      const otpauthUri = generateURI({ issuer: TWO_FACTOR_ISSUER, label: user.username, secret });
      // Drawn here, so the console needs no QR library and nothing leaves the hub.
      const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { secret, otpauthUri, qrSvg };
    },

    async confirm(userId, code) {
      const record = await store.get(userId);
      if (!record) throw new AppError(409, 'CONFLICT', 'Start the set-up first.');
      if (record.confirmedAt !== null) throw conflict('Two-factor sign-in is already on.');
      const step = totpStep(record.secret, code);
      if (step === null) throw invalidCode();
      await store.confirm(userId, step, clock.now());
      return issueRecoveryCodes(userId);
    },

    async check(userId, code) {
      const record = await store.get(userId);
      if (!record || record.confirmedAt === null) return null;
      const step = totpStep(record.secret, code.trim());
      if (step !== null) return (await store.useTimeStep(userId, step)) ? 'totp' : null;
      const recovery = normalizeRecovery(code);
      if (recovery.length === 16 && (await store.useRecoveryCode(userId, sha256(recovery), clock.now())))
        return 'recovery';
      return null;
    },

    async renewRecoveryCodes(userId, code) {
      const record = await store.get(userId);
      if (!record || record.confirmedAt === null) throw conflict('Two-factor sign-in is not on.');
      const step = totpStep(record.secret, code);
      if (step === null || !(await store.useTimeStep(userId, step))) throw invalidCode();
      return issueRecoveryCodes(userId);
    },

    remove: (userId) => store.remove(userId),
  };
}
