/** SQL for two-factor sign-in: authenticator secrets and recovery codes, on both engines (db/sql.ts). */
import type { Sql } from '../../db/sql';

export interface TwoFactorRecord {
  userId: number;
  secret: string;
  confirmedAt: number | null;
  lastTimeStep: number | null;
}

export interface TwoFactorStore {
  get(userId: number): Promise<TwoFactorRecord | undefined>;
  /** A new, unconfirmed secret (replacing any earlier one and its recovery codes). */
  begin(userId: number, secret: string, now: number): Promise<void>;
  confirm(userId: number, timeStep: number, now: number): Promise<void>;
  /** Records the time step of a code just accepted; false if it was not newer (a replay). */
  useTimeStep(userId: number, timeStep: number): Promise<boolean>;
  remove(userId: number): Promise<boolean>;
  replaceRecoveryCodes(userId: number, hashes: string[], now: number): Promise<void>;
  /** Marks the code used; false when there is no such unused code for the user. */
  useRecoveryCode(userId: number, hash: string, now: number): Promise<boolean>;
  recoveryCodesLeft(userId: number): Promise<number>;
}

export function createTwoFactorStore(sql: Sql): TwoFactorStore {
  const removeCodes = (tx: Sql, userId: number) => tx.run('DELETE FROM recovery_codes WHERE user_id = ?', [userId]);
  return {
    get: (userId) =>
      sql.get(
        'SELECT user_id AS "userId", secret, confirmed_at AS "confirmedAt", last_time_step AS "lastTimeStep" FROM two_factor WHERE user_id = ?',
        [userId],
      ),
    begin: (userId, secret, now) =>
      sql.transaction(async (tx) => {
        await removeCodes(tx, userId);
        await tx.run(
          `INSERT INTO two_factor (user_id, secret, created_at) VALUES (?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
             confirmed_at = NULL, last_time_step = NULL`,
          [userId, secret, now],
        );
      }),
    async confirm(userId, timeStep, now) {
      await sql.run('UPDATE two_factor SET confirmed_at = ?, last_time_step = ? WHERE user_id = ?', [
        now,
        timeStep,
        userId,
      ]);
    },
    async useTimeStep(userId, timeStep) {
      const changed = await sql.run(
        'UPDATE two_factor SET last_time_step = ? WHERE user_id = ? AND (last_time_step IS NULL OR last_time_step < ?)',
        [timeStep, userId, timeStep],
      );
      return changed > 0;
    },
    remove: (userId) =>
      sql.transaction(async (tx) => {
        await removeCodes(tx, userId);
        return (await tx.run('DELETE FROM two_factor WHERE user_id = ?', [userId])) > 0;
      }),
    replaceRecoveryCodes: (userId, hashes, now) =>
      sql.transaction(async (tx) => {
        await removeCodes(tx, userId);
        for (const h of hashes)
          await tx.run('INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)', [
            userId,
            h,
            now,
          ]);
      }),
    async useRecoveryCode(userId, hash, now) {
      const changed = await sql.run(
        'UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
        [now, userId, hash],
      );
      return changed > 0;
    },
    async recoveryCodesLeft(userId) {
      const r = await sql.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL',
        [userId],
      );
      return Number(r?.n ?? 0);
    },
  };
}
