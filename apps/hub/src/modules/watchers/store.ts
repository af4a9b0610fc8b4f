/**
 * SQL for watchers as city hall sees them (their households and levels) and their invitations, on
 * both engines (db/sql.ts; store.test.ts runs on SQLite and PostgreSQL).
 */
import type { Watcher, WatcherKind } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';

export interface InvitationRecord {
  id: number;
  userId: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface WatchersStore {
  /** Every watcher account with the open households they watch, and a pending invitation's expiry. */
  list(now: number): Promise<Watcher[]>;
  get(id: number, now: number): Promise<Watcher | undefined>;
  /**
   * A new invitation; the user's earlier unused ones stop working, in the same unit of work (two
   * invitations of one user at once, on two hubs, take turns: one invitation works afterwards).
   */
  invite(x: { userId: number; codeHash: string; createdBy: string; now: number; expiresAt: number }): Promise<void>;
  invitationByHash(codeHash: string): Promise<InvitationRecord | undefined>;
  /** Marks it used (once, whichever hub asks first): false when it was used meanwhile. */
  useInvitation(id: number, now: number): Promise<boolean>;
}

interface WatcherRow {
  id: number;
  username: string;
  display_name: string;
  watcher_kind: WatcherKind | null;
  disabled: number;
  invitation_expires_at: number | null;
}

type Link = Watcher['households'][number];

const PENDING = `(SELECT MAX(i.expires_at) FROM watcher_invitations i
    WHERE i.user_id = u.id AND i.used_at IS NULL AND i.expires_at > ?)`;
const SELECT = `SELECT u.id, u.username, u.display_name, u.watcher_kind, u.disabled, ${PENDING} AS invitation_expires_at
  FROM users u WHERE u.role = 'watcher'`;
const LINKS = `SELECT w.user_id AS "userId", h.id AS "householdId", h.name AS "householdName",
    h.district_id AS "districtId", w.level
  FROM household_watchers w JOIN households h ON h.id = w.household_id
  WHERE h.closed_at IS NULL`;
const LINK_ORDER = 'ORDER BY w.level, h.name, h.id';

const toWatcher = (r: WatcherRow, households: Link[]): Watcher => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  watcherKind: r.watcher_kind,
  disabled: r.disabled === 1,
  invitationExpiresAt: r.invitation_expires_at === null ? null : new Date(r.invitation_expires_at).toISOString(),
  households,
});

const toLinks = (rows: (Link & { userId: number })[]) => {
  const byUser = new Map<number, Link[]>();
  for (const { userId, ...link } of rows) byUser.set(userId, [...(byUser.get(userId) ?? []), link]);
  return byUser;
};

export function createWatchersStore(sql: Sql): WatchersStore {
  return {
    async list(now) {
      const byUser = toLinks(await sql.all(`${LINKS} ${LINK_ORDER}`));
      const rows = await sql.all<WatcherRow>(`${SELECT} ORDER BY u.disabled, u.display_name, u.id`, [now]);
      return rows.map((r) => toWatcher(r, byUser.get(r.id) ?? []));
    },
    async get(id, now) {
      const r = await sql.get<WatcherRow>(`${SELECT} AND u.id = ?`, [now, id]);
      if (!r) return undefined;
      const links = await sql.all<Link & { userId: number }>(`${LINKS} AND w.user_id = ? ${LINK_ORDER}`, [id]);
      return toWatcher(r, toLinks(links).get(id) ?? []);
    },
    invite: (x) =>
      sql.transaction(async (tx) => {
        // PostgreSQL: the user's row is locked first, so two invitations of one user take turns and the
        // later one retires the earlier (SQLite runs units of work one at a time anyway). NO KEY UPDATE: a
        // row written meanwhile that names the user (a session) checks its key without waiting for this.
        if (sql.engine === 'postgres') await tx.get('SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE', [x.userId]);
        await tx.run(
          'UPDATE watcher_invitations SET expires_at = ? WHERE user_id = ? AND used_at IS NULL AND expires_at > ?',
          [x.now, x.userId, x.now],
        );
        await tx.run(
          'INSERT INTO watcher_invitations (user_id, code_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
          [x.userId, x.codeHash, x.createdBy, x.now, x.expiresAt],
        );
      }),
    invitationByHash: (codeHash) =>
      sql.get<InvitationRecord>(
        `SELECT id, user_id AS "userId", expires_at AS "expiresAt", used_at AS "usedAt"
         FROM watcher_invitations WHERE code_hash = ?`,
        [codeHash],
      ),
    useInvitation: async (id, now) =>
      (await sql.run('UPDATE watcher_invitations SET used_at = ? WHERE id = ? AND used_at IS NULL', [now, id])) === 1,
  };
}
