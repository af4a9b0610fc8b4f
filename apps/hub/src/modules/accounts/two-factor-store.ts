/** SQL for two-factor sign-in: authenticator secrets and recovery codes. */
import type { Db } from '../../db/database';

export interface TwoFactorRecord {
  userId: number;
  secret: string;
  confirmedAt: number | null;
  lastTimeStep: number | null;
}

export interface TwoFactorStore {
  get(userId: number): TwoFactorRecord | undefined;
  /** A new, unconfirmed secret (replacing any earlier one and its recovery codes). */
  begin(userId: number, secret: string, now: number): void;
  confirm(userId: number, timeStep: number, now: number): void;
  /** Records the time step of a code just accepted; false if it was not newer (a replay). */
  useTimeStep(userId: number, timeStep: number): boolean;
  remove(userId: number): boolean;
  replaceRecoveryCodes(userId: number, hashes: string[], now: number): void;
  /** Marks the code used; false when there is no such unused code for the user. */
  useRecoveryCode(userId: number, hash: string, now: number): boolean;
  recoveryCodesLeft(userId: number): number;
}

export function createSqliteTwoFactorStore(db: Db): TwoFactorStore {
  const s = {
    get: db.prepare(
      'SELECT user_id AS userId, secret, confirmed_at AS confirmedAt, last_time_step AS lastTimeStep FROM two_factor WHERE user_id = ?',
    ),
    begin: db.prepare(
      `INSERT INTO two_factor (user_id, secret, created_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
         confirmed_at = NULL, last_time_step = NULL`,
    ),
    confirm: db.prepare('UPDATE two_factor SET confirmed_at = ?, last_time_step = ? WHERE user_id = ?'),
    useStep: db.prepare(
      'UPDATE two_factor SET last_time_step = ? WHERE user_id = ? AND (last_time_step IS NULL OR last_time_step < ?)',
    ),
    remove: db.prepare('DELETE FROM two_factor WHERE user_id = ?'),
    removeCodes: db.prepare('DELETE FROM recovery_codes WHERE user_id = ?'),
    insertCode: db.prepare('INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)'),
    useCode: db.prepare(
      'UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
    ),
    codesLeft: db.prepare('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL').pluck(),
  };
  return {
    get: (userId) => s.get.get(userId) as TwoFactorRecord | undefined,
    begin(userId, secret, now) {
      db.transaction(() => {
        s.removeCodes.run(userId);
        s.begin.run(userId, secret, now);
      })();
    },
    confirm: (userId, timeStep, now) => void s.confirm.run(now, timeStep, userId),
    useTimeStep: (userId, timeStep) => s.useStep.run(timeStep, userId, timeStep).changes > 0,
    remove(userId) {
      return db.transaction(() => {
        s.removeCodes.run(userId);
        return s.remove.run(userId).changes > 0;
      })();
    },
    replaceRecoveryCodes(userId, hashes, now) {
      db.transaction(() => {
        s.removeCodes.run(userId);
        for (const h of hashes) s.insertCode.run(userId, h, now);
      })();
    },
    useRecoveryCode: (userId, hash, now) => s.useCode.run(now, userId, hash).changes > 0,
    recoveryCodesLeft: (userId) => s.codesLeft.get(userId) as number,
  };
}
