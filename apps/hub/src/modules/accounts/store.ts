/** SQL for staff accounts, sessions and API keys. */
import type { ApiKey, StaffRole, User, WatcherKind } from '@tsunagu/protocol';
import type { Db } from '../../db/database';

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
  createUser(u: NewUser, now: number): number;
  userById(id: number): UserRecord | undefined;
  userByUsername(username: string): UserRecord | undefined;
  listUsers(filter?: { shopId?: number }): UserRecord[];
  updateUser(id: number, patch: { displayName?: string; disabled?: boolean; admin?: boolean }): void;
  setPassword(id: number, passwordHash: string): void;
  recordFailedLogin(id: number, failedLogins: number, lockedUntil: number | null): void;
  clearFailedLogins(id: number): void;
  /** Failed sign-ins of a user name that does not exist (by a hash of the name). */
  unknownNameFailures(nameHash: string): { failed: number; lockedUntil: number | null } | undefined;
  /** Records one; forgets names whose last failure is older than `forgetBefore`. */
  recordUnknownNameFailure(
    nameHash: string,
    failed: number,
    lockedUntil: number | null,
    now: number,
    forgetBefore: number,
  ): void;
  createSession(s: {
    tokenHash: string;
    userId: number;
    csrfToken: string;
    now: number;
    expiresAt: number;
    ip: string | null;
  }): number;
  sessionByTokenHash(tokenHash: string): SessionRecord | undefined;
  /** The session if it has not expired and its user is not disabled. */
  liveSession(id: number, now: number): SessionRecord | undefined;
  /**
   * Changes whenever another connection (another process, e.g. the admin command line) commits to
   * the database: SQLite's `data_version`, so the hub can notice changes it did not make itself.
   */
  changeMarker(): number;
  touchSession(id: number, now: number, expiresAt: number): void;
  deleteSession(id: number): void;
  deleteSessionsOfUser(userId: number, exceptSessionId?: number): void;
  createApiKey(k: {
    name: string;
    role: StaffRole;
    prefix: string;
    keyHash: string;
    createdBy: number | null;
    now: number;
  }): number;
  apiKeyByHash(keyHash: string): ApiKeyRecord | undefined;
  apiKeyById(id: number): ApiKeyRecord | undefined;
  listApiKeys(): ApiKeyRecord[];
  revokeApiKey(id: number, now: number): boolean;
}

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

const selectUser = `SELECT u.*, EXISTS (SELECT 1 FROM two_factor t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
  AS two_factor_enabled FROM users u`;

export function createSqliteAccountsStore(db: Db): AccountsStore {
  const s = {
    insertUser: db.prepare(
      `INSERT INTO users (username, display_name, password_hash, role, admin, shop_id, watcher_kind, created_at)
       VALUES (@username, @displayName, @passwordHash, @role, @admin, @shopId, @watcherKind, @now)`,
    ),
    userById: db.prepare(`${selectUser} WHERE u.id = ?`),
    userByUsername: db.prepare(`${selectUser} WHERE u.username = ?`),
    listUsers: db.prepare(`${selectUser} ORDER BY u.id`),
    listUsersOfShop: db.prepare(`${selectUser} WHERE u.shop_id = ? ORDER BY u.id`),
    setPassword: db.prepare('UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?'),
    failed: db.prepare('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?'),
    clearFailed: db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?'),
    unknownFailures: db.prepare('SELECT failed, locked_until AS lockedUntil FROM login_failures WHERE name_hash = ?'),
    upsertUnknownFailure: db.prepare(
      `INSERT INTO login_failures (name_hash, failed, locked_until, last_failed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name_hash) DO UPDATE SET failed = excluded.failed, locked_until = excluded.locked_until,
         last_failed_at = excluded.last_failed_at`,
    ),
    pruneUnknownFailures: db.prepare('DELETE FROM login_failures WHERE last_failed_at < ?'),
    insertSession: db.prepare(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_used_at, expires_at, ip)
       VALUES (@tokenHash, @userId, @csrfToken, @now, @now, @expiresAt, @ip)`,
    ),
    sessionByHash: db.prepare(
      'SELECT id, user_id AS userId, csrf_token AS csrfToken, expires_at AS expiresAt, last_used_at AS lastUsedAt FROM sessions WHERE token_hash = ?',
    ),
    liveSession: db.prepare(
      `SELECT s.id, s.user_id AS userId, s.csrf_token AS csrfToken, s.expires_at AS expiresAt, s.last_used_at AS lastUsedAt
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ? AND u.disabled = 0`,
    ),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    touchSession: db.prepare('UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE id = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
    deleteSessionsOfUser: db.prepare('DELETE FROM sessions WHERE user_id = ? AND id != ?'),
    insertApiKey: db.prepare(
      `INSERT INTO api_keys (name, role, prefix, key_hash, created_by, created_at)
       VALUES (@name, @role, @prefix, @keyHash, @createdBy, @now)`,
    ),
    apiKeyByHash: db.prepare('SELECT * FROM api_keys WHERE key_hash = ?'),
    apiKeyById: db.prepare('SELECT * FROM api_keys WHERE id = ?'),
    listApiKeys: db.prepare('SELECT * FROM api_keys ORDER BY id'),
    revokeApiKey: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
  };
  return {
    createUser(u, now) {
      return Number(s.insertUser.run({ ...u, admin: u.admin ? 1 : 0, now }).lastInsertRowid);
    },
    userById(id) {
      const r = s.userById.get(id) as UserRow | undefined;
      return r && toUser(r);
    },
    userByUsername(username) {
      const r = s.userByUsername.get(username) as UserRow | undefined;
      return r && toUser(r);
    },
    listUsers(filter) {
      const rows = (
        filter?.shopId !== undefined ? s.listUsersOfShop.all(filter.shopId) : s.listUsers.all()
      ) as UserRow[];
      return rows.map(toUser);
    },
    updateUser(id, patch) {
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
      db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    },
    setPassword(id, hash) {
      s.setPassword.run(hash, id);
    },
    recordFailedLogin(id, n, lockedUntil) {
      s.failed.run(n, lockedUntil, id);
    },
    clearFailedLogins(id) {
      s.clearFailed.run(id);
    },
    unknownNameFailures(h) {
      return s.unknownFailures.get(h) as { failed: number; lockedUntil: number | null } | undefined;
    },
    recordUnknownNameFailure(h, failed, lockedUntil, now, forgetBefore) {
      s.pruneUnknownFailures.run(forgetBefore);
      s.upsertUnknownFailure.run(h, failed, lockedUntil, now);
    },
    createSession(x) {
      return Number(s.insertSession.run(x).lastInsertRowid);
    },
    sessionByTokenHash(h) {
      return s.sessionByHash.get(h) as SessionRecord | undefined;
    },
    liveSession(id, now) {
      return s.liveSession.get(id, now) as SessionRecord | undefined;
    },
    changeMarker() {
      return s.dataVersion.get() as number;
    },
    touchSession(id, now, expiresAt) {
      s.touchSession.run(now, expiresAt, id);
    },
    deleteSession(id) {
      s.deleteSession.run(id);
    },
    deleteSessionsOfUser(userId, except = -1) {
      s.deleteSessionsOfUser.run(userId, except);
    },
    createApiKey(k) {
      return Number(s.insertApiKey.run(k).lastInsertRowid);
    },
    apiKeyByHash(h) {
      const r = s.apiKeyByHash.get(h) as ApiKeyRow | undefined;
      return r && toApiKey(r);
    },
    apiKeyById(id) {
      const r = s.apiKeyById.get(id) as ApiKeyRow | undefined;
      return r && toApiKey(r);
    },
    listApiKeys() {
      return (s.listApiKeys.all() as ApiKeyRow[]).map(toApiKey);
    },
    revokeApiKey(id, now) {
      return s.revokeApiKey.run(now, id).changes > 0;
    },
  };
}
