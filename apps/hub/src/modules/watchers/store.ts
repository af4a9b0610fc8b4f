/** SQL for watchers as city hall sees them (their households and levels) and their invitations. */
import type { Watcher, WatcherKind } from '@tsunagu/protocol';
import type { Db } from '../../db/database';

export interface InvitationRecord {
  id: number;
  userId: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface WatchersStore {
  /** Every watcher account with the open households they watch, and a pending invitation's expiry. */
  list(now: number): Watcher[];
  get(id: number, now: number): Watcher | undefined;
  /** A new invitation; the user's earlier unused ones stop working. */
  invite(x: { userId: number; codeHash: string; createdBy: string; now: number; expiresAt: number }): void;
  invitationByHash(codeHash: string): InvitationRecord | undefined;
  /** Marks it used (once): false when it was used meanwhile. */
  useInvitation(id: number, now: number): boolean;
}

interface WatcherRow {
  id: number;
  username: string;
  display_name: string;
  watcher_kind: WatcherKind | null;
  disabled: number;
  invitation_expires_at: number | null;
}

export function createSqliteWatchersStore(db: Db): WatchersStore {
  const pending = `(SELECT MAX(i.expires_at) FROM watcher_invitations i
      WHERE i.user_id = u.id AND i.used_at IS NULL AND i.expires_at > @now)`;
  const select = `SELECT u.id, u.username, u.display_name, u.watcher_kind, u.disabled, ${pending} AS invitation_expires_at
    FROM users u WHERE u.role = 'watcher'`;
  const s = {
    all: db.prepare(`${select} ORDER BY u.disabled, u.display_name, u.id`),
    one: db.prepare(`${select} AND u.id = @id`),
    households: db.prepare(
      `SELECT w.user_id AS userId, h.id AS householdId, h.name AS householdName, h.district_id AS districtId, w.level
       FROM household_watchers w JOIN households h ON h.id = w.household_id
       WHERE h.closed_at IS NULL ORDER BY w.level, h.name, h.id`,
    ),
    householdsOf: db.prepare(
      `SELECT h.id AS householdId, h.name AS householdName, h.district_id AS districtId, w.level
       FROM household_watchers w JOIN households h ON h.id = w.household_id
       WHERE h.closed_at IS NULL AND w.user_id = ? ORDER BY w.level, h.name, h.id`,
    ),
    retire: db.prepare(
      'UPDATE watcher_invitations SET expires_at = ? WHERE user_id = ? AND used_at IS NULL AND expires_at > ?',
    ),
    insert: db.prepare(
      'INSERT INTO watcher_invitations (user_id, code_hash, created_by, created_at, expires_at) VALUES (@userId, @codeHash, @createdBy, @now, @expiresAt)',
    ),
    byHash: db.prepare(
      'SELECT id, user_id AS userId, expires_at AS expiresAt, used_at AS usedAt FROM watcher_invitations WHERE code_hash = ?',
    ),
    use: db.prepare('UPDATE watcher_invitations SET used_at = ? WHERE id = ? AND used_at IS NULL'),
  };
  type Link = Watcher['households'][number];
  const toWatcher = (r: WatcherRow, households: Link[]): Watcher => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    watcherKind: r.watcher_kind,
    disabled: r.disabled === 1,
    invitationExpiresAt: r.invitation_expires_at === null ? null : new Date(r.invitation_expires_at).toISOString(),
    households,
  });
  const invite = db.transaction((x: Parameters<WatchersStore['invite']>[0]) => {
    s.retire.run(x.now, x.userId, x.now);
    s.insert.run(x);
  });
  return {
    list(now) {
      const byUser = new Map<number, Link[]>();
      for (const l of s.households.all() as (Link & { userId: number })[]) {
        const { userId, ...link } = l;
        byUser.set(userId, [...(byUser.get(userId) ?? []), link]);
      }
      return (s.all.all({ now }) as WatcherRow[]).map((r) => toWatcher(r, byUser.get(r.id) ?? []));
    },
    get(id, now) {
      const r = s.one.get({ id, now }) as WatcherRow | undefined;
      return r && toWatcher(r, s.householdsOf.all(id) as Link[]);
    },
    invite: (x) => invite(x),
    invitationByHash: (h) => s.byHash.get(h) as InvitationRecord | undefined,
    useInvitation: (id, now) => s.use.run(now, id).changes === 1,
  };
}
