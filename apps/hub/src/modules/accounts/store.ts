/** SQL for staff accounts, sessions and API keys, on both engines (db/sql.ts). */
import type { ApiKey, StaffRole, User, WatcherKind } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';

export interface UserRecord extends User {
  passwordHash: string;
  failedLogins: number;
  lockedUntil: number | null;
}

export interface SessionRecord {
  id: number;
  userId: number;
  csrfToken: string;
  expiresAt: number;
  lastUsedAt: number;
}

export interface ApiKeyRecord extends ApiKey {
  createdBy: number | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  role: StaffRole;
  admin: boolean;
  shopId: number | null;
  watcherKind: WatcherKind | null;
}

export interface AccountsStore {
  createUser(u: NewUser, now: number): Promise<number>;
  userById(id: number): Promise<UserRecord | undefined>;
  userByUsername(username: string): Promise<UserRecord | undefined>;
  listUsers(filter?: { shopId?: number }): Promise<UserRecord[]>;
  updateUser(id: number, patch: { displayName?: string; disabled?: boolean; admin?: boolean }): Promise<void>;
  setPassword(id: number, passwordHash: string): Promise<void>;
  recordFailedLogin(id: number, failedLogins: number, lockedUntil: number | null): Promise<void>;
  clearFailedLogins(id: number): Promise<void>;
  /** Failed sign-ins of a user name that does not exist (by a hash of the name). */
  unknownNameFailures(nameHash: string): Promise<{ failed: number; lockedUntil: number | null } | undefined>;
  /** Records one; forgets names whose last failure is older than `forgetBefore`. */
  recordUnknownNameFailure(
    nameHash: string,
    failed: number,
    lockedUntil: number | null,
    now: number,
    forgetBefore: number,
  ): Promise<void>;
  createSession(s: {
    tokenHash: string;
    userId: number;
    csrfToken: string;
    now: number;
    expiresAt: number;
    ip: string | null;
  }): Promise<number>;
  sessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  /** The session if it has not expired and its user is not disabled. */
  liveSession(id: number, now: number): Promise<SessionRecord | undefined>;
  touchSession(id: number, now: number, expiresAt: number): Promise<void>;
  deleteSession(id: number): Promise<void>;
  deleteSessionsOfUser(userId: number, exceptSessionId?: number): Promise<void>;
  createApiKey(k: {
    name: string;
    role: StaffRole;
    prefix: string;
    keyHash: string;
    createdBy: number | null;
    now: number;
  }): Promise<number>;
  apiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  apiKeyById(id: number): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: number, now: number): Promise<boolean>;
}

/**
 * Cache channels (db/changes.ts) other hubs listen on: `sessions` carries a session id, or `u<id>`
 * for every session of a user (signed out everywhere, disabled, password changed); `api_keys` a key id.
 */
export const SESSIONS_CHANNEL = 'sessions';
export const API_KEYS_CHANNEL = 'api_keys';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  role: StaffRole;
  admin: number;
  shop_id: number | null;
  watcher_kind: WatcherKind | null;
  disabled: number;
  two_factor_enabled: number;
  failed_logins: number;
  locked_until: number | null;
}

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  admin: r.admin === 1,
  shopId: r.shop_id,
  watcherKind: r.watcher_kind,
  disabled: r.disabled === 1,
  twoFactorEnabled: r.two_factor_enabled === 1,
  passwordHash: r.password_hash,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
});

interface ApiKeyRow {
  id: number;
  name: string;
  role: StaffRole;
  prefix: string;
  created_by: number | null;
  created_at: number;
  revoked_at: number | null;
}
const toApiKey = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  role: r.role,
  prefix: r.prefix,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
  revokedAt: r.revoked_at == null ? null : new Date(r.revoked_at).toISOString(),
});

// CASE, not a bare EXISTS: PostgreSQL's EXISTS is a boolean, SQLite's a 0/1 like the other flags.
const selectUser = `SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.admin, u.shop_id,
  u.watcher_kind, u.disabled, u.failed_logins, u.locked_until,
  CASE WHEN EXISTS (SELECT 1 FROM two_factor t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) THEN 1 ELSE 0 END
  AS two_factor_enabled FROM users u`;
const sessionColumns =
  's.id, s.user_id AS "userId", s.csrf_token AS "csrfToken", s.expires_at AS "expiresAt", s.last_used_at AS "lastUsedAt"';

const USER_BY_ID = `${selectUser} WHERE u.id = ?`;
const API_KEY_BY_ID = 'SELECT * FROM api_keys WHERE id = ?';

export function createAccountsStore(sql: Sql): AccountsStore {
  const user = async (text: string, value: unknown) => {
    const r = await sql.get<UserRow>(text, [value]);
    return r && toUser(r);
  };
  const apiKey = async (text: string, value: unknown) => {
    const r = await sql.get<ApiKeyRow>(text, [value]);
    return r && toApiKey(r);
  };
  const insert = async (text: string, params: unknown[]) =>
    Number((await sql.get<{ id: number }>(`${text} RETURNING id`, params))!.id);
  return {
    createUser: (u, now) =>
      insert(
        `INSERT INTO users (username, display_name, password_hash, role, admin, shop_id, watcher_kind, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [u.username, u.displayName, u.passwordHash, u.role, u.admin ? 1 : 0, u.shopId, u.watcherKind, now],
      ),
    userById: (id) => user(USER_BY_ID, id),
    userByUsername: (username) => user(`${selectUser} WHERE u.username = ?`, username),
    async listUsers(filter) {
      const rows =
        filter?.shopId !== undefined
          ? await sql.all<UserRow>(`${selectUser} WHERE u.shop_id = ? ORDER BY u.id`, [filter.shopId])
          : await sql.all<UserRow>(`${selectUser} ORDER BY u.id`);
      return rows.map(toUser);
    },
    async updateUser(id, patch) {
      const sets: string[] = [];
      const values: (string | number)[] = [];
      const set = (column: string, value: string | number) => {
        sets.push(`${column} = ?`);
        values.push(value);
      };
      if (patch.displayName !== undefined) set('display_name', patch.displayName);
      if (patch.disabled !== undefined) set('disabled', patch.disabled ? 1 : 0);
      if (patch.admin !== undefined) set('admin', patch.admin ? 1 : 0);
      if (sets.length === 0) return;
      await sql.run(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
    },
    async setPassword(id, hash) {
      await sql.run('UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?', [
        hash,
        id,
      ]);
    },
    async recordFailedLogin(id, n, lockedUntil) {
      await sql.run('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?', [n, lockedUntil, id]);
    },
    async clearFailedLogins(id) {
      await sql.run('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?', [id]);
    },
    unknownNameFailures: (h) =>
      sql.get('SELECT failed, locked_until AS "lockedUntil" FROM login_failures WHERE name_hash = ?', [h]),
    async recordUnknownNameFailure(h, failed, lockedUntil, now, forgetBefore) {
      await sql.run('DELETE FROM login_failures WHERE last_failed_at < ?', [forgetBefore]);
      await sql.run(
        `INSERT INTO login_failures (name_hash, failed, locked_until, last_failed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name_hash) DO UPDATE SET failed = excluded.failed, locked_until = excluded.locked_until,
           last_failed_at = excluded.last_failed_at`,
        [h, failed, lockedUntil, now],
      );
    },
    createSession: (x) =>
      insert(
        `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_used_at, expires_at, ip)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [x.tokenHash, x.userId, x.csrfToken, x.now, x.now, x.expiresAt, x.ip],
      ),
    sessionByTokenHash: (h) => sql.get(`SELECT ${sessionColumns} FROM sessions s WHERE s.token_hash = ?`, [h]),
    liveSession: (id, now) =>
      sql.get(
        `SELECT ${sessionColumns} FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = ? AND s.expires_at > ? AND u.disabled = 0`,
        [id, now],
      ),
    async touchSession(id, now, expiresAt) {
      await sql.run('UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE id = ?', [now, expiresAt, id]);
    },
    async deleteSession(id) {
      await sql.run('DELETE FROM sessions WHERE id = ?', [id]);
    },
    async deleteSessionsOfUser(userId, except = -1) {
      await sql.run('DELETE FROM sessions WHERE user_id = ? AND id != ?', [userId, except]);
    },
    createApiKey: (k) =>
      insert('INSERT INTO api_keys (name, role, prefix, key_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        k.name,
        k.role,
        k.prefix,
        k.keyHash,
        k.createdBy,
        k.now,
      ]),
    apiKeyByHash: (h) => apiKey('SELECT * FROM api_keys WHERE key_hash = ?', h),
    apiKeyById: (id) => apiKey(API_KEY_BY_ID, id),
    async listApiKeys() {
      return (await sql.all<ApiKeyRow>('SELECT * FROM api_keys ORDER BY id')).map(toApiKey);
    },
    async revokeApiKey(id, now) {
      return (await sql.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id])) > 0;
    },
  };
}
